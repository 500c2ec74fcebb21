import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, parseWebUsers, WebUserStore } from '../../clients/web/users';

/** Configured users of the pages (clients/web/users.ts): scrypt hashes, one salt each, one answer for both halves. */

const PASSWORD = 'correct horse battery staple';
let hash: string;
beforeAll(async () => {
  hash = await hashPassword(PASSWORD);
});

it('hashes with scrypt and a fresh salt each time, and verifies only the right password', async () => {
  expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  const again = await hashPassword(PASSWORD);
  expect(again).not.toBe(hash);
  const users = new WebUserStore(parseWebUsers(`ada:supervisor:${hash}, bob:operator:${again}`));
  await expect(users.verify('ada', PASSWORD)).resolves.toEqual({ id: 'ada', role: 'supervisor' });
  await expect(users.verify('bob', PASSWORD)).resolves.toEqual({ id: 'bob', role: 'operator' });
  // A wrong password and an unknown user answer alike.
  await expect(users.verify('ada', `${PASSWORD}!`)).resolves.toBeUndefined();
  await expect(users.verify('eve', PASSWORD)).resolves.toBeUndefined();
  await expect(users.verify('ada', '')).resolves.toBeUndefined();
  await expect(users.verify('ada', 'x'.repeat(5_000))).resolves.toBeUndefined();
});

it('refuses short passwords and bad entries, naming the entry and the field', async () => {
  await expect(hashPassword('short')).rejects.toThrow(/at least 12 characters/);
  expect(() => parseWebUsers(`ada:root:${hash}`)).toThrow(/REDRESS_WEB_USERS entry 1 \(ada\): role/);
  expect(() => parseWebUsers('ada:operator:sha256-of-something')).toThrow(/entry 1 \(ada\): hash must be scrypt/);
  expect(() => parseWebUsers('ada:operator:scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA')).toThrow(
    /hash N must be a power of two of at least 16384/,
  );
  expect(() => new WebUserStore(parseWebUsers(`ada:operator:${hash}\nada:auditor:${hash}`))).toThrow(
    /ada is configured twice/,
  );
});

it('reads a users file (one a line, comments allowed), the variable first', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'web-users-')), 'users');
  writeFileSync(file, `# the complaints team\nada:supervisor:${hash}\n\n`);
  const fromFile = WebUserStore.fromEnv({ REDRESS_WEB_USERS_FILE: file });
  await expect(fromFile.verify('ada', PASSWORD)).resolves.toEqual({ id: 'ada', role: 'supervisor' });
  expect(WebUserStore.fromEnv({ REDRESS_WEB_USERS: `bob:operator:${hash}`, REDRESS_WEB_USERS_FILE: file }).size).toBe(
    1,
  );
  expect(WebUserStore.fromEnv({}).size).toBe(0);
  expect(() => WebUserStore.fromEnv({ REDRESS_WEB_USERS_FILE: join(file, 'missing') })).toThrow(
    /cannot read the web users file/,
  );
});

it('makes an entry from a password on standard input with the hash-password script', async () => {
  const out = execFileSync(
    process.execPath,
    [join(__dirname, '../../dist/clients/web/hash-password.js'), 'ada', 'auditor'],
    {
      input: `${PASSWORD}\n`,
    },
  ).toString();
  const users = new WebUserStore(parseWebUsers(out.trim()));
  await expect(users.verify('ada', PASSWORD)).resolves.toEqual({ id: 'ada', role: 'auditor' });
});
