import { loadConfig } from '../../config';

/** The topics the cluster's processes use (REDRESS_TOPIC_PREFIX applied), so the run reads and writes the same. */
export const TOPICS = loadConfig(process.env).topics;
