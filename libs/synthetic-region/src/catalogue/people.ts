/**
 * Names as common in the West Midlands: the region's patients, and the social workers allocated to them, are
 * drawn from these. Every person is invented; a real person with the same name is a coincidence of common words.
 */

// prettier-ignore
export const GIVEN_NAMES = {
  FEMALE: [
    'Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Grace', 'Freya', 'Lily', 'Sophie', 'Emily', 'Ella', 'Poppy',
    'Aisha', 'Fatima', 'Maryam', 'Zainab', 'Hafsa', 'Priya', 'Simran', 'Harpreet', 'Jaspreet', 'Anjali', 'Chloe',
    'Jessica', 'Hannah', 'Rebecca', 'Laura', 'Sarah', 'Rachel', 'Claire', 'Joanne', 'Karen', 'Susan', 'Julie',
    'Patricia', 'Margaret', 'Jean', 'Dorothy', 'Joan', 'Irene', 'Shirley', 'Janet', 'Elaine', 'Chantelle', 'Keisha',
    'Agnieszka', 'Natalia', 'Ewa', 'Bronwen', 'Siobhan',
  ],
  MALE: [
    'Oliver', 'George', 'Noah', 'Arthur', 'Leo', 'Harry', 'Jack', 'Charlie', 'Freddie', 'Alfie', 'Theo', 'Archie',
    'Muhammad', 'Ibrahim', 'Yusuf', 'Ali', 'Hamza', 'Zayn', 'Arjun', 'Harjit', 'Gurpreet', 'Rajesh', 'Sanjay',
    'Daniel', 'James', 'Thomas', 'Matthew', 'Andrew', 'David', 'Paul', 'Mark', 'Steven', 'Gary', 'Darren', 'Lee',
    'John', 'Peter', 'Michael', 'Robert', 'Brian', 'Kenneth', 'Derek', 'Raymond', 'Trevor', 'Winston', 'Marcus',
    'Tomasz', 'Piotr', 'Gareth', 'Ciaran',
  ],
} as const;

// prettier-ignore
export const FAMILY_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson',
  'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Hughes', 'Edwards',
  'Turner', 'Hill', 'Moore', 'Cooper', 'Ward', 'Morris', 'Baker', 'Harris', 'Lewis', 'Price', 'Bennett', 'Griffiths',
  'Khan', 'Hussain', 'Ahmed', 'Ali', 'Begum', 'Akhtar', 'Iqbal', 'Mahmood', 'Rahman', 'Patel', 'Singh', 'Kaur',
  'Sandhu', 'Gill', 'Sharma', 'Mistry', 'Campbell', 'Francis', 'Grant', 'Henry', 'Nowak', 'Kowalski', "O'Connor",
  'Murphy', 'Kelly', 'Okafor', 'Mensah',
];

export const TITLES = {
  FEMALE: [
    ['Mrs', 4],
    ['Ms', 3],
    ['Miss', 2],
    ['Dr', 0.3],
  ],
  MALE: [
    ['Mr', 9],
    ['Dr', 0.3],
  ],
} as const;

// prettier-ignore
export const STREETS = [
  'Church Road', 'Station Road', 'High Street', 'Park Road', 'Victoria Road', 'Green Lane', 'Manor Road',
  'Church Street', 'Park Avenue', 'The Crescent', 'Mill Lane', 'Kings Road', 'Queens Road', 'New Road',
  'Grange Road', 'Springfield Road', 'Windsor Road', 'Stafford Road', 'Birmingham Road', 'Coventry Road',
  'Chester Road', 'Warwick Road', 'School Lane', 'Oak Tree Lane', 'Willow Close', 'Beech Avenue', 'Elm Grove',
  'Meadow View', 'Canal Side', 'Foundry Lane', 'Chapel Street', 'Albert Road', 'Wellington Road', 'Orchard Way',
];

/** Social care staff roles as a council shares them with an allocation. */
export const SOCIAL_CARE_ROLES = [
  'Social Worker',
  'Senior Practitioner',
  'Occupational Therapist',
  'Community Care Officer',
] as const;
