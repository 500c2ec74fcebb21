export * from './define';
export * from './registry';
export * from './vocabulary';
