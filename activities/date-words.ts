/** Dates in words moved to domain/letters (pure), so the API renders a draft's dates as the letter will. */
export * from '../domain/letters/date-words';
