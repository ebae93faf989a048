// Runs oracle scripts against the real kernel: each step under its credentials (effective
// uid/gid and supplementary groups, switched back to root after each step), recording the
// errno; then the final tree as root. Input: JSON [{ root, steps }] on stdin. Output: JSON.
import fs from 'node:fs';
import path from 'node:path';

const scripts = JSON.parse(fs.readFileSync(0, 'utf8'));
process.umask(0);

function as(cred, f) {
  if (cred.uid === 0 && cred.gid === 0) return f();
  process.setgroups(cred.groups ?? []);
  process.setegid(cred.gid);
  process.seteuid(cred.uid);
  try {
    return f();
  } finally {
    process.seteuid(0);
    process.setegid(0);
    process.setgroups([0]);
  }
}

function run(root, step) {
  // Plain concatenation: path.join would clean `.` and `..` away before the kernel sees them.
  const p = (x) => `${root}/${x}`;
  switch (step.op) {
    case 'mkdir': fs.mkdirSync(p(step.path), step.mode); return 'OK';
    case 'open': {
      const fd = fs.openSync(p(step.path), step.flags, step.mode ?? 0o644);
      try {
        if (step.text !== undefined) fs.writeSync(fd, step.text);
      } finally {
        fs.closeSync(fd);
      }
      return 'OK';
    }
    case 'write': {
      const fd = fs.openSync(p(step.path), 'r+');
      try {
        fs.writeSync(fd, step.text, step.offset);
      } finally {
        fs.closeSync(fd);
      }
      return 'OK';
    }
    case 'read': return 'OK:' + fs.readFileSync(p(step.path), 'utf8');
    case 'readdir': return 'OK:' + fs.readdirSync(p(step.path)).sort().join(',');
    case 'link': fs.linkSync(p(step.path), p(step.to)); return 'OK';
    case 'symlink': fs.symlinkSync(step.target, p(step.path)); return 'OK';
    case 'rename': fs.renameSync(p(step.path), p(step.to)); return 'OK';
    case 'unlink': fs.unlinkSync(p(step.path)); return 'OK';
    case 'rmdir': fs.rmdirSync(p(step.path)); return 'OK';
    case 'chmod': fs.chmodSync(p(step.path), step.mode); return 'OK';
    case 'chown': fs.lchownSync(p(step.path), step.uid ?? -1, step.gid ?? -1); return 'OK';
    case 'utimes': fs.lutimesSync(p(step.path), step.atime, step.mtime); return 'OK';
    case 'truncate': fs.truncateSync(p(step.path), step.size); return 'OK';
    case 'readlink': return 'OK:' + fs.readlinkSync(p(step.path));
    default: throw new Error(`unknown op ${step.op}`);
  }
}

function tree(root) {
  const out = {};
  const walk = (rel) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const full = path.join(root, r);
      const s = fs.lstatSync(full);
      const rec = { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid, nlink: s.nlink };
      if (s.isFile()) Object.assign(rec, { type: 'file', size: s.size, text: fs.readFileSync(full, 'utf8') });
      else if (s.isSymbolicLink()) Object.assign(rec, { type: 'symlink', target: fs.readlinkSync(full), size: s.size });
      else if (s.isDirectory()) rec.type = 'dir';
      else rec.type = 'other';
      out[r] = rec;
      if (s.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

const results = scripts.map(({ root, steps }) => {
  const errnos = steps.map((step) => {
    try {
      return as(step.as, () => run(root, step));
    } catch (e) {
      return e.code ?? String(e);
    }
  });
  return { errnos, tree: tree(root) };
});
process.stdout.write(JSON.stringify(results));
