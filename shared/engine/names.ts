import { host } from '../host.ts';

// Docker names containers `adjective_surname`; layerbox does the same with its own
// short lists (the second part honours people who shaped operating systems and
// containers).
const ADJECTIVES = [
  'admiring', 'affectionate', 'agitated', 'amazing', 'angry', 'awesome', 'blissful', 'bold', 'brave', 'busy',
  'charming', 'clever', 'compassionate', 'competent', 'confident', 'cool', 'cranky', 'dazzling', 'determined',
  'distracted', 'dreamy', 'eager', 'ecstatic', 'elastic', 'elated', 'elegant', 'eloquent', 'epic', 'exciting',
  'fervent', 'festive', 'flamboyant', 'focused', 'friendly', 'frosty', 'funny', 'gallant', 'gifted', 'goofy',
  'gracious', 'great', 'happy', 'hardcore', 'heuristic', 'hopeful', 'hungry', 'infallible', 'inspiring',
  'intelligent', 'interesting', 'jolly', 'jovial', 'keen', 'kind', 'laughing', 'loving', 'lucid', 'magical',
  'modest', 'musing', 'mystifying', 'naughty', 'nervous', 'nice', 'nifty', 'nostalgic', 'objective', 'optimistic',
  'peaceful', 'pedantic', 'pensive', 'practical', 'priceless', 'quirky', 'quizzical', 'relaxed', 'reverent',
  'romantic', 'sad', 'serene', 'sharp', 'silly', 'sleepy', 'stoic', 'strange', 'stupefied', 'suspicious', 'sweet',
  'tender', 'thirsty', 'trusting', 'upbeat', 'vibrant', 'vigilant', 'vigorous', 'wizardly', 'wonderful', 'youthful',
  'zealous', 'zen',
];
const NAMES = [
  'allen', 'babbage', 'backus', 'bardeen', 'bell', 'bose', 'brattain', 'cerf', 'corbato', 'cray', 'curie',
  'dijkstra', 'engelbart', 'feynman', 'goldberg', 'goodall', 'hamilton', 'hellman', 'hodgkin', 'hopper',
  'hypatia', 'jemison', 'johnson', 'kahn', 'keller', 'kilby', 'knuth', 'lamarr', 'lamport', 'liskov', 'lovelace',
  'mccarthy', 'mcclintock', 'meitner', 'merkle', 'mirzakhani', 'montalcini', 'moore', 'morse', 'napier', 'neumann',
  'noether', 'noyce', 'pascal', 'perlman', 'pike', 'poincare', 'ritchie', 'rivest', 'sammet', 'shamir', 'shannon',
  'shockley', 'sinoussi', 'stallman', 'sutherland', 'swanson', 'tesla', 'thompson', 'torvalds', 'turing',
  'varahamihira', 'wilbur', 'williams', 'wing', 'wozniak', 'wright', 'yalow', 'yonath',
];

export function randomName(): string {
  const r = host().randomBytes(4);
  const a = ADJECTIVES[((r[0]! << 8) | r[1]!) % ADJECTIVES.length]!;
  const n = NAMES[((r[2]! << 8) | r[3]!) % NAMES.length]!;
  return `${a}_${n}`;
}

export function randomId(): string {
  return [...host().randomBytes(32)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
