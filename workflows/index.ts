/** Every workflow the worker registers; the bundler starts from this file. */
export { complaintWorkflow } from './complaint';
