export * from './digest.ts';
export * from './hasher.ts';
