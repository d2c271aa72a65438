export { generateRegion } from './generate-region';
export { DEFAULT_REGION_DAYS, DEFAULT_REGION_START, type RegionOptions } from './region-options';
export { RegionTally, regionSummary, type RegionSummary } from './region-summary';
export { pickDemoPatient, type DemoPatient } from './demo-patient';
export { DEFAULT_FIRST_NHS_SERIAL, patientCapacity, patientNhsNumbers } from './identity/nhs-numbers';
