import type { IcsCode } from '@crosscare/governance';

/** Where a patient can live: a locality, its post town and county, its postcode districts and its council. */
export interface Place {
  readonly locality: string;
  readonly postTown: string;
  readonly county: string;
  readonly postcodeDistricts: readonly string[];
  /** ONS code of the council whose social care serves the place (regions.json). */
  readonly councilCode: string;
  /** Relative population. */
  readonly weight: number;
}

export interface IcsProfile {
  /** Population in millions, roughly, so a region's patients spread as the West Midlands' do. */
  readonly population: number;
  /** Other ICSs in order of how often their residents cross into this one's neighbours: nearest first. */
  readonly neighbours: readonly IcsCode[];
  readonly places: readonly Place[];
}

const place = (
  locality: string,
  postTown: string,
  county: string,
  postcodeDistricts: readonly string[],
  councilCode: string,
  weight: number,
): Place => ({ locality, postTown, county, postcodeDistricts, councilCode, weight });

const BIRMINGHAM = 'E08000025';
const SOLIHULL = 'E08000029';
const COVENTRY = 'E08000026';
const WARWICKSHIRE = 'E10000031';
const HEREFORDSHIRE = 'E06000019';
const WORCESTERSHIRE = 'E10000034';
const SHROPSHIRE = 'E06000051';
const TELFORD = 'E06000020';
const DUDLEY = 'E08000027';
const SANDWELL = 'E08000028';
const WALSALL = 'E08000030';
const WOLVERHAMPTON = 'E08000031';
const STAFFORDSHIRE = 'E10000028';
const STOKE = 'E06000021';

/**
 * Real places and their real postcode districts, so an address reads as local; house numbers, streets and the
 * inward half of every postcode are invented.
 */
export const ICS_PROFILES: Readonly<Record<IcsCode, IcsProfile>> = {
  QHL: {
    population: 1.7,
    neighbours: ['QUA', 'QWU', 'QNC', 'QGH'],
    places: [
      place('Harborne', 'Birmingham', 'West Midlands', ['B17'], BIRMINGHAM, 3),
      place('Moseley', 'Birmingham', 'West Midlands', ['B13'], BIRMINGHAM, 3),
      place('Erdington', 'Birmingham', 'West Midlands', ['B23', 'B24'], BIRMINGHAM, 4),
      place('Selly Oak', 'Birmingham', 'West Midlands', ['B29'], BIRMINGHAM, 3),
      place('Handsworth', 'Birmingham', 'West Midlands', ['B20', 'B21'], BIRMINGHAM, 4),
      place('Small Heath', 'Birmingham', 'West Midlands', ['B10'], BIRMINGHAM, 4),
      place('Sparkhill', 'Birmingham', 'West Midlands', ['B11'], BIRMINGHAM, 4),
      place('Kings Heath', 'Birmingham', 'West Midlands', ['B14'], BIRMINGHAM, 3),
      place('Northfield', 'Birmingham', 'West Midlands', ['B31'], BIRMINGHAM, 3),
      place('Acocks Green', 'Birmingham', 'West Midlands', ['B27'], BIRMINGHAM, 3),
      place(
        'Sutton Coldfield',
        'Sutton Coldfield',
        'West Midlands',
        ['B72', 'B73', 'B74', 'B75'],
        BIRMINGHAM,
        4,
      ),
      place('Solihull', 'Solihull', 'West Midlands', ['B91'], SOLIHULL, 2),
      place('Shirley', 'Solihull', 'West Midlands', ['B90'], SOLIHULL, 2),
      place('Chelmsley Wood', 'Birmingham', 'West Midlands', ['B37'], SOLIHULL, 1.5),
      place('Knowle', 'Solihull', 'West Midlands', ['B93'], SOLIHULL, 1),
    ],
  },
  QWU: {
    population: 1.0,
    neighbours: ['QHL', 'QNC', 'QGH'],
    places: [
      place('Earlsdon', 'Coventry', 'West Midlands', ['CV5'], COVENTRY, 2),
      place('Foleshill', 'Coventry', 'West Midlands', ['CV6'], COVENTRY, 2.5),
      place('Tile Hill', 'Coventry', 'West Midlands', ['CV4'], COVENTRY, 2),
      place('Wyken', 'Coventry', 'West Midlands', ['CV2'], COVENTRY, 2),
      place('Nuneaton', 'Nuneaton', 'Warwickshire', ['CV10', 'CV11'], WARWICKSHIRE, 2),
      place('Rugby', 'Rugby', 'Warwickshire', ['CV21', 'CV22'], WARWICKSHIRE, 2),
      place('Leamington Spa', 'Leamington Spa', 'Warwickshire', ['CV31', 'CV32'], WARWICKSHIRE, 1.5),
      place('Warwick', 'Warwick', 'Warwickshire', ['CV34'], WARWICKSHIRE, 1),
      place('Stratford-upon-Avon', 'Stratford-upon-Avon', 'Warwickshire', ['CV37'], WARWICKSHIRE, 1),
      place('Kenilworth', 'Kenilworth', 'Warwickshire', ['CV8'], WARWICKSHIRE, 0.8),
    ],
  },
  QGH: {
    population: 0.8,
    neighbours: ['QUA', 'QHL', 'QOC', 'QWU'],
    places: [
      place('Hereford', 'Hereford', 'Herefordshire', ['HR1', 'HR2', 'HR4'], HEREFORDSHIRE, 2),
      place('Leominster', 'Leominster', 'Herefordshire', ['HR6'], HEREFORDSHIRE, 0.6),
      place('Ross-on-Wye', 'Ross-on-Wye', 'Herefordshire', ['HR9'], HEREFORDSHIRE, 0.6),
      place('Ledbury', 'Ledbury', 'Herefordshire', ['HR8'], HEREFORDSHIRE, 0.5),
      place(
        'Worcester',
        'Worcester',
        'Worcestershire',
        ['WR1', 'WR2', 'WR3', 'WR4', 'WR5'],
        WORCESTERSHIRE,
        3,
      ),
      place('Malvern', 'Malvern', 'Worcestershire', ['WR14'], WORCESTERSHIRE, 1),
      place('Kidderminster', 'Kidderminster', 'Worcestershire', ['DY10', 'DY11'], WORCESTERSHIRE, 1.5),
      place('Bromsgrove', 'Bromsgrove', 'Worcestershire', ['B60', 'B61'], WORCESTERSHIRE, 1.2),
      place('Redditch', 'Redditch', 'Worcestershire', ['B97', 'B98'], WORCESTERSHIRE, 1.3),
      place('Evesham', 'Evesham', 'Worcestershire', ['WR11'], WORCESTERSHIRE, 0.8),
    ],
  },
  QOC: {
    population: 0.5,
    neighbours: ['QNC', 'QUA', 'QGH'],
    places: [
      place('Shrewsbury', 'Shrewsbury', 'Shropshire', ['SY1', 'SY2', 'SY3'], SHROPSHIRE, 2),
      place('Oswestry', 'Oswestry', 'Shropshire', ['SY11'], SHROPSHIRE, 0.8),
      place('Ludlow', 'Ludlow', 'Shropshire', ['SY8'], SHROPSHIRE, 0.5),
      place('Bridgnorth', 'Bridgnorth', 'Shropshire', ['WV15', 'WV16'], SHROPSHIRE, 0.5),
      place('Market Drayton', 'Market Drayton', 'Shropshire', ['TF9'], SHROPSHIRE, 0.4),
      place('Wellington', 'Telford', 'Shropshire', ['TF1'], TELFORD, 1),
      place('Madeley', 'Telford', 'Shropshire', ['TF7'], TELFORD, 0.8),
      place('Oakengates', 'Telford', 'Shropshire', ['TF2'], TELFORD, 0.8),
      place('Dawley', 'Telford', 'Shropshire', ['TF4'], TELFORD, 0.6),
      place('Newport', 'Newport', 'Shropshire', ['TF10'], TELFORD, 0.4),
    ],
  },
  QUA: {
    population: 1.2,
    neighbours: ['QHL', 'QNC', 'QOC', 'QGH'],
    places: [
      place('Dudley', 'Dudley', 'West Midlands', ['DY1', 'DY2', 'DY3'], DUDLEY, 2),
      place('Stourbridge', 'Stourbridge', 'West Midlands', ['DY8', 'DY9'], DUDLEY, 1.5),
      place('Halesowen', 'Halesowen', 'West Midlands', ['B62', 'B63'], DUDLEY, 1.2),
      place('Brierley Hill', 'Brierley Hill', 'West Midlands', ['DY5'], DUDLEY, 0.8),
      place('West Bromwich', 'West Bromwich', 'West Midlands', ['B70', 'B71'], SANDWELL, 1.8),
      place('Oldbury', 'Oldbury', 'West Midlands', ['B68', 'B69'], SANDWELL, 1.2),
      place('Smethwick', 'Smethwick', 'West Midlands', ['B66', 'B67'], SANDWELL, 1.2),
      place('Tipton', 'Tipton', 'West Midlands', ['DY4'], SANDWELL, 0.8),
      place('Walsall', 'Walsall', 'West Midlands', ['WS1', 'WS2', 'WS5'], WALSALL, 2),
      place('Bloxwich', 'Walsall', 'West Midlands', ['WS3'], WALSALL, 0.8),
      place('Aldridge', 'Walsall', 'West Midlands', ['WS9'], WALSALL, 0.6),
      place('Willenhall', 'Willenhall', 'West Midlands', ['WV12', 'WV13'], WALSALL, 0.8),
      place(
        'Wolverhampton',
        'Wolverhampton',
        'West Midlands',
        ['WV1', 'WV2', 'WV3', 'WV10'],
        WOLVERHAMPTON,
        2.5,
      ),
      place('Tettenhall', 'Wolverhampton', 'West Midlands', ['WV6'], WOLVERHAMPTON, 0.6),
      place('Bilston', 'Bilston', 'West Midlands', ['WV14'], WOLVERHAMPTON, 0.8),
    ],
  },
  QNC: {
    population: 1.1,
    neighbours: ['QUA', 'QOC', 'QHL', 'QWU'],
    places: [
      place('Stafford', 'Stafford', 'Staffordshire', ['ST16', 'ST17', 'ST18'], STAFFORDSHIRE, 1.6),
      place('Cannock', 'Cannock', 'Staffordshire', ['WS11', 'WS12'], STAFFORDSHIRE, 1.4),
      place('Lichfield', 'Lichfield', 'Staffordshire', ['WS13', 'WS14'], STAFFORDSHIRE, 1),
      place('Tamworth', 'Tamworth', 'Staffordshire', ['B77', 'B78', 'B79'], STAFFORDSHIRE, 1.2),
      place(
        'Burton upon Trent',
        'Burton-on-Trent',
        'Staffordshire',
        ['DE13', 'DE14', 'DE15'],
        STAFFORDSHIRE,
        1.3,
      ),
      place('Newcastle-under-Lyme', 'Newcastle', 'Staffordshire', ['ST5'], STAFFORDSHIRE, 1.3),
      place('Leek', 'Leek', 'Staffordshire', ['ST13'], STAFFORDSHIRE, 0.6),
      place('Stone', 'Stone', 'Staffordshire', ['ST15'], STAFFORDSHIRE, 0.5),
      place('Hanley', 'Stoke-on-Trent', 'Staffordshire', ['ST1'], STOKE, 1.2),
      place('Burslem', 'Stoke-on-Trent', 'Staffordshire', ['ST6'], STOKE, 0.9),
      place('Longton', 'Stoke-on-Trent', 'Staffordshire', ['ST3'], STOKE, 0.9),
      place('Fenton', 'Stoke-on-Trent', 'Staffordshire', ['ST4'], STOKE, 0.6),
    ],
  },
};
