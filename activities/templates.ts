/** The letters' templates moved to domain/letters (pure), so the API renders drafts with the same words. */
export * from '../domain/letters/templates';
