import { text } from 'node:stream/consumers';
import { API_ROLES } from '../../config/api-keys';
import { hashPassword } from './users';

/**
 * `node dist/clients/web/hash-password.js [ID ROLE] < password`: prints the scrypt hash of the password
 * read from standard input (never from the command line, which lands in shell history and `ps`), or with
 * an id and a role the whole `REDRESS_WEB_USERS` entry. One trailing newline is not part of the password.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [id, role, ...rest] = argv;
  if (rest.length > 0 || (id !== undefined && role === undefined) || argv.includes('--help')) {
    process.stderr.write(`usage: hash-password [ID ROLE] < password-file   (ROLE: ${API_ROLES.join(', ')})\n`);
    return argv.includes('--help') ? 0 : 2;
  }
  if (role !== undefined && !(API_ROLES as readonly string[]).includes(role)) {
    process.stderr.write(`role: must be one of ${API_ROLES.join(', ')}\n`);
    return 2;
  }
  const password = (await text(process.stdin)).replace(/\r?\n$/, '');
  try {
    const hash = await hashPassword(password);
    process.stdout.write(`${id !== undefined ? `${id}:${role}:` : ''}${hash}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
