// The layers of the repository as a lint rule (eslint-plugin-boundaries), so a wrong import fails the build
// instead of waiting for a reviewer. README "How it is built" describes the same shape in words.
import boundaries from 'eslint-plugin-boundaries';

// Each top-level folder is one element, and the policies below say which may import which. The flow: domain <- workflows <- activities <- workers; clients -> (domain, the
// workflows' contract, platform); platform -> domain; infra is last (only tests and benchmarks import it).
const LAYERS = [
  'domain',
  'workflows',
  'activities',
  'workers',
  'clients',
  'platform',
  'config',
  'store',
  'infra',
  'test',
  'bench',
];
const layer = (...types) => ({ element: { types } });
const local = (...types) => ({ module: { origin: 'local' }, ...layer(...types) });
// The workflows' contract: what starting, messaging and finding a complaint needs, and nothing of its rules.
const WORKFLOW_CONTRACT = ['messages.ts', 'contract.ts', 'search-attributes.ts', 'intake-status.ts'];
const workflowContract = { element: { types: ['workflows'], fileInternalPath: WORKFLOW_CONTRACT } };
const typeOnly = (to) => ({ to, dependency: { kind: 'type' } });
/** The rule's message: which folder imported what, and why that folder may not. */
const because = (why) => `{{from.type}}/ may not import '{{dependency.source}}' ({{dependency.kind}} import): ${why}`;

/**
 * Who may import what. The rule reads policies in order and a later match overrides an earlier one, so
 * each layer is a `disallow` followed, where needed, by the `allow` that narrows it.
 */
const POLICIES = [
  // domain/ is pure and deterministic: zod, syllable, @noble/hashes and itself, nothing else (no SDK, no Node, no I/O,
  // no other folder of the project), so workflow code can use all of it.
  {
    from: layer('domain'),
    disallow: [{ to: { module: { origin: 'core' } } }, { to: { module: { origin: 'external' } } }, { to: local('*') }],
    message: because(
      'domain/ is pure (zod, syllable, @noble/hashes and itself only); Node-only code goes in platform/, SDK code in workflows/',
    ),
  },
  // `syllable` (the respect check's syllable counter) and `@noble/hashes` (a draft's id, hashed in workflow
  // code too) are pure: no Node built-ins, no I/O, deterministic.
  {
    from: layer('domain'),
    allow: [
      { to: { module: { source: ['zod', 'syllable', '@noble/hashes'] } } },
      { to: local('domain') },
    ],
  },
  // Workflow code runs in Temporal's deterministic sandbox: domain/, itself and the SDK's workflow
  // packages; activities only as types (for proxyActivities), never as values.
  {
    from: layer('workflows'),
    disallow: [{ to: { module: { origin: 'core' } } }, { to: { module: { origin: 'external' } } }, { to: local('*') }],
    message: because(
      'workflow code runs in the deterministic sandbox: domain/, workflows/ and @temporalio/workflow|common only, activities as `import type`; do I/O in an activity',
    ),
  },
  {
    from: layer('workflows'),
    allow: [
      { to: { module: { source: ['@temporalio/workflow', '@temporalio/common', 'zod'] } } },
      { to: local('domain', 'workflows') },
      typeOnly(local('activities')),
    ],
  },
  // Activities run in the worker: never the processes (workers/) or the clients.
  {
    from: layer('activities'),
    disallow: [{ to: local('workers', 'clients') }],
    message: because('activities run inside the worker and know neither the processes nor the clients'),
  },
  // Processes (the worker, the bridge) start complaints through the workflows' contract, not the clients.
  {
    from: layer('workers'),
    disallow: [{ to: local('clients') }],
    message: because(
      'workers/ and clients/ share code through workflows/ (the contract) or platform/, never each other',
    ),
  },
  // Clients use the workflows' contract, never the workflow's rules; workers and activities as types only.
  {
    from: layer('clients'),
    disallow: [{ to: local('workers', 'activities', 'workflows') }],
    message: because(
      `clients use the workflows' contract (${WORKFLOW_CONTRACT.join(', ')}), platform/ and domain/; workers/ and activities/ as \`import type\` only`,
    ),
  },
  {
    from: layer('clients'),
    allow: [{ to: workflowContract }, typeOnly(local('workers', 'activities', 'workflows'))],
  },
  // platform/ is Node code shared by every process: it knows the domain and the configuration only.
  {
    from: layer('platform'),
    disallow: [{ to: local('workflows', 'activities', 'workers', 'clients', 'store') }],
    message: because('platform/ is shared by every process, so it may know only domain/ and config/'),
  },
  {
    from: layer('config'),
    disallow: [{ to: local('workflows', 'activities', 'workers', 'clients', 'store', 'platform') }],
    message: because('config/ is read by every process, so it may know only domain/'),
  },
  // The complaint store (DESIGN §8) imports the domain, not the workflow or the processes.
  {
    from: layer('store'),
    disallow: [{ to: local('workflows', 'activities', 'workers', 'clients') }],
    message: because('the store imports the domain (DESIGN §8), not the workflow or the processes'),
  },
  // infra/ (local servers, provisioning) is last: nothing the service runs in production imports it.
  {
    from: layer('domain', 'workflows', 'activities', 'workers', 'clients', 'platform', 'config', 'store'),
    disallow: [{ to: local('infra') }],
    message: because(
      'infra/ runs local servers; only tests and benchmarks import it (shared Node code goes in platform/)',
    ),
  },
];

/**
 * Imports that break the layers today in files another change is rewriting; each one names the file, the
 * import and why it is still there. Remove an entry when its import goes.
 */
/** Exceptions waiting on a move, each narrowly scoped and commented; none now. */
const PENDING_EXCEPTIONS = [];

const rule = (extra = []) => ['error', { default: 'allow', checkAllOrigins: true, policies: [...POLICIES, ...extra] }];

/** ESLint flat-config entries enforcing the layers on every TypeScript file. */
export const layers = [
  {
    // On resolved paths (so `../activities` and `../../activities/index` are the same thing), type-only
    // imports told apart from value imports, and packages by origin (Node built-ins are `core`).
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS.map((type) => ({ type, pattern: type, partialMatch: false })),
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: { 'boundaries/dependencies': rule() },
  },
  ...PENDING_EXCEPTIONS.map(({ files, policy }) => ({ files, rules: { 'boundaries/dependencies': rule([policy]) } })),
];
