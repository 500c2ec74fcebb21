import { DefaultFailureConverter } from '@temporalio/common';

/**
 * The failure converter of every Redress process, loaded by path (`failureConverterPath`) because the
 * worker bundles it into the workflow sandbox too: failures raised there are converted there. With
 * `encodeCommonAttributes` a failure's message and stack trace go into a payload, which the payload codec
 * then encrypts; without it they would sit in clear in the history (an update refused with the customer's
 * words in its message, an activity's error quoting a letter). Nothing here may use Node built-ins.
 */
export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
