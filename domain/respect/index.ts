/** The respect check (issue 13 §4); see check.ts. The workflow and drafts import it from here. */
export { checkRespect } from './check';
export { RESPECT_CATEGORIES, SEVERITY_OF } from './categories';
export type { RespectCategory, RespectFinding, RespectReport, Severity, Span } from './categories';
export { fleschReadingEase } from './readability';
