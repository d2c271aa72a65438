import type { IcsCode, ProviderType } from '../directory/provider';
import type { Random } from './seeded-random';

/**
 * Real West Midlands places, so a name reads as local and a reader can tell the ICS from it; the organisations
 * named after them are invented. Any resemblance to a real practice or home is a coincidence of common words.
 */
// prettier-ignore
export const PLACES: Readonly<Record<IcsCode, readonly string[]>> = {
  QHL: [
    'Harborne', 'Edgbaston', 'Moseley', 'Kings Heath', 'Selly Oak', 'Erdington', 'Handsworth', 'Acocks Green',
    'Hall Green', 'Sparkhill', 'Small Heath', 'Northfield', 'Longbridge', 'Kings Norton', 'Sutton Coldfield',
    'Four Oaks', 'Kingstanding', 'Perry Barr', 'Aston', 'Bordesley Green', 'Yardley', 'Sheldon', 'Castle Bromwich',
    'Shirley', 'Solihull', 'Knowle', 'Dorridge', 'Olton', 'Chelmsley Wood', 'Marston Green', 'Balsall Common',
    'Quinton', 'Bartley Green', 'Weoley Castle', 'Stechford', 'Ladywood', 'Nechells', 'Balsall Heath', 'Bournville',
    'Stirchley', 'Tyseley', 'Hodge Hill', 'Shard End', 'Kitts Green', 'Lozells', 'Boldmere', 'Walmley', 'Hockley',
  ],
  QWU: [
    'Coventry', 'Earlsdon', 'Foleshill', 'Tile Hill', 'Canley', 'Radford', 'Holbrooks', 'Wyken', 'Binley',
    'Stoke Aldermoor', 'Allesley', 'Finham', 'Nuneaton', 'Bedworth', 'Rugby', 'Warwick', 'Leamington Spa',
    'Kenilworth', 'Stratford-upon-Avon', 'Alcester', 'Shipston-on-Stour', 'Atherstone', 'Coleshill', 'Southam',
    'Wellesbourne', 'Studley', 'Bilton', 'Hillmorton', 'Whitnash', 'Bulkington', 'Polesworth', 'Keresley',
  ],
  QGH: [
    'Hereford', 'Leominster', 'Ross-on-Wye', 'Ledbury', 'Kington', 'Bromyard', 'Worcester', 'Malvern',
    'Kidderminster', 'Bromsgrove', 'Redditch', 'Droitwich Spa', 'Evesham', 'Pershore', 'Upton-upon-Severn',
    'Tenbury Wells', 'Stourport-on-Severn', 'Bewdley', 'Hagley', 'Rubery', 'Catshill', 'Wythall', 'Inkberrow',
    'Broadway', 'Colwall', 'Fownhope', 'Weobley', 'Warndon', 'Ronkswood', 'Barnt Green',
  ],
  QOC: [
    'Shrewsbury', 'Telford', 'Wellington', 'Madeley', 'Oakengates', 'Donnington', 'Dawley', 'Newport', 'Ludlow',
    'Bridgnorth', 'Oswestry', 'Whitchurch', 'Market Drayton', 'Wem', 'Church Stretton', "Bishop's Castle",
    'Much Wenlock', 'Shifnal', 'Albrighton', 'Ellesmere', 'Cleobury Mortimer', 'Craven Arms', 'Broseley', 'Highley',
    'Pontesbury', 'Baschurch', 'Hadley', 'Lawley', 'Ketley',
  ],
  QUA: [
    'Dudley', 'Stourbridge', 'Halesowen', 'Brierley Hill', 'Sedgley', 'Kingswinford', 'Netherton', 'Lye',
    'Wordsley', 'Gornal', 'West Bromwich', 'Oldbury', 'Smethwick', 'Tipton', 'Wednesbury', 'Rowley Regis',
    'Cradley Heath', 'Blackheath', 'Walsall', 'Bloxwich', 'Aldridge', 'Brownhills', 'Willenhall', 'Darlaston',
    'Pelsall', 'Rushall', 'Wolverhampton', 'Tettenhall', 'Bilston', 'Wednesfield', 'Penn', 'Whitmore Reans',
    'Heath Town', 'Fordhouses', 'Coseley', 'Great Bridge',
  ],
  QNC: [
    'Stafford', 'Stone', 'Cannock', 'Rugeley', 'Lichfield', 'Tamworth', 'Burton upon Trent', 'Uttoxeter', 'Leek',
    'Cheadle', 'Newcastle-under-Lyme', 'Kidsgrove', 'Biddulph', 'Hanley', 'Burslem', 'Tunstall', 'Longton', 'Fenton',
    'Meir', 'Bentilee', 'Penkridge', 'Eccleshall', 'Hednesford', 'Burntwood', 'Codsall', 'Wombourne', 'Kinver',
    'Perton', 'Abbots Bromley', 'Barton-under-Needwood', 'Werrington', 'Trentham', 'Blurton', 'Chell',
  ],
};

const STREETS = ['Lane', 'Road', 'Street', 'Avenue', 'Green', 'Hill', 'Park', 'Way', 'Grove'];
// prettier-ignore
const FEATURES = [
  'Oak', 'Willow', 'Beech', 'Elm', 'Ash', 'Birch', 'Cedar', 'Hawthorn', 'Rowan', 'Laurel', 'Hazel', 'Maple',
  'Chestnut', 'Lime', 'Meadow', 'Brook', 'Orchard', 'Heather', 'Primrose', 'Lavender', 'Bluebell', 'Fern', 'Ivy',
  'Rose',
];
const FEATURE_ENDINGS = ['field', 'wood', 'lea', 'croft', 'bank', 'hurst', 'mead', 'dale'];
const BUILDINGS = ['House', 'Court', 'Lodge', 'Manor', 'Grange', 'Hall', 'View', 'Gardens'];
const CARE_HOME_KINDS = ['Care Home', 'Nursing Home', 'Residential Home', ''];
/** Saints of Mercia, chosen because no hospice in the region is named after them. */
const SAINTS = [
  'Oswald',
  'Wulfstan',
  'Werburgh',
  'Milburga',
  'Editha',
  'Kenelm',
  'Modwen',
  'Bertelin',
  'Alkmund',
];
const SPECIALISMS = [
  "Children's Hospital",
  'Orthopaedic Hospital',
  'Heart and Lung Centre',
  "Women's Hospital",
];

const feature = (random: Random) => `${random.pick(FEATURES)}${random.pick(FEATURE_ENDINGS)}`;

type Namer = (random: Random, place: () => string) => string;

const NAMERS: Partial<Record<ProviderType, Namer>> = {
  GP_PRACTICE: (random, place) =>
    random.pick<() => string>([
      () => `${place()} ${random.pick(STREETS)} Surgery`,
      () => `${place()} ${random.pick(STREETS)} Medical Practice`,
      () => `${place()} Medical Centre`,
      () => `${place()} Health Centre`,
      () => `${place()} Family Practice`,
      () => `The ${place()} Practice`,
      () => `${feature(random)} Surgery, ${place()}`,
    ])(),
  CARE_HOME: (random, place) => {
    const building = random.next() < 0.3 ? `${place()} ${random.pick(BUILDINGS)}` : feature(random);
    const name = random.next() < 0.3 ? building : `${building} ${random.pick(BUILDINGS)}`;
    return `${name} ${random.pick(CARE_HOME_KINDS)}`.trim();
  },
  HOSPICE: (random, place) =>
    random.pick<() => string>([
      () => `St ${random.pick(SAINTS)}'s Hospice`,
      () => `${place()} Hospice`,
      () => `${place()} Children's Hospice`,
      () => `${feature(random)} House Hospice`,
    ])(),
  ACUTE_TRUST: (random, place) =>
    random.pick<() => string>([
      () => {
        const first = place();
        let second = place();
        while (second === first) second = place();
        return `${first} and ${second} Hospitals NHS Trust`;
      },
      () => `${place()} University Hospitals NHS Foundation Trust`,
      () => `${place()} General Hospital NHS Trust`,
    ])(),
  MENTAL_HEALTH_TRUST: (_random, place) => `${place()} Mental Health Partnership NHS Foundation Trust`,
  COMMUNITY_TRUST: (_random, place) => `${place()} Community Health NHS Trust`,
  SPECIALIST_TRUST: (random, place) => `${place()} ${random.pick(SPECIALISMS)} NHS Foundation Trust`,
  AMBULANCE_TRUST: () => 'Mercia Ambulance Service NHS Foundation Trust',
};

/**
 * A plausible name for a provider of `type` in `ics`, not among `taken`. Councils are not named here: they carry
 * their real names from regions.json.
 */
export function syntheticName(
  random: Random,
  type: ProviderType,
  ics: IcsCode,
  taken: ReadonlySet<string>,
): string {
  const namer = NAMERS[type];
  if (namer === undefined) throw new Error(`no synthetic names for ${type}`);
  const place = () => random.pick(PLACES[ics]);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const name = namer(random, place);
    if (!taken.has(name)) return name;
  }
  throw new Error(`ran out of distinct ${type} names for ${ics}`);
}
