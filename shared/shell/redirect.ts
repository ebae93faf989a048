/** Redirections: <, >, >>, <>, >|, n>&m, n<&-, here-documents. */
import type { Redirect } from './ast.ts';
import { toBytes } from './bytes.ts';
import { FsError, type OpenFile, type Reader, type Writer } from './host.ts';
import type { Shell } from './interp.ts';
import { pathJoin, type Fd, type FdTable } from './io.ts';
import { queueWrite } from './writes.ts';

/** Applies redirections to a table, left to right. Streams it opens go to `opened`. */
export async function applyRedirects(sh: Shell, redirs: Redirect[], table: FdTable, opened: (Reader | Writer)[]): Promise<boolean> {
  for (const r of redirs) {
    const fd = r.op === '&>' ? 1 : r.fd ?? (r.op.startsWith('<') ? 0 : 1);
    if (r.op === '<<' || r.op === '<<-') {
      const doc = r.heredoc!;
      const text = doc.quoted ? doc.body.text : await sh.expander.heredoc(doc.body);
      const pipe = await sh.host.pipe();
      const write = (async () => {
        try {
          if (text) await pipe.writer.write(toBytes(text));
        } catch {
          // the reader went away without reading it all
        }
        await pipe.writer.close().catch(() => {});
      })();
      if (sh.host.pipeMode === 'sequential') await write;
      table.set(fd, { reader: pipe.reader, writer: null });
      opened.push(pipe.reader);
      continue;
    }
    const target = await sh.expander.string(r.target);
    if (r.op === '<&' || r.op === '>&') {
      if (target === '-') {
        table.delete(fd);
        continue;
      }
      if (!/^[0-9]+$/.test(target)) {
        sh.fatal('syntax error: bad fd number');
      }
      const src = table.get(Number(target));
      if (!src || (r.op === '<&' ? !src.reader : !src.writer)) {
        writeErrTo(table, `${sh.messagePrefix()}${target}: Bad file descriptor\n`);
        return false;
      }
      table.set(fd, src);
      continue;
    }
    const path = pathJoin(sh.cwd, target);
    let f: OpenFile;
    try {
      if (r.op === '<') f = await sh.fs.open(path, 'r');
      else if (r.op === '<>') f = await sh.fs.open(path, 'rw', { perm: 0o666 & ~sh.umask });
      else if (r.op === '>>') f = await sh.fs.open(path, 'a', { perm: 0o666 & ~sh.umask });
      else {
        let exclusive = false;
        if ((r.op === '>' || r.op === '&>') && sh.options.noclobber) {
          const st = await sh.fs.stat(path);
          exclusive = !st || st.type === 'file';
        }
        f = await sh.fs.open(path, 'w', { exclusive, perm: 0o666 & ~sh.umask });
      }
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      const creating = r.op !== '<';
      const why = e.code === 'ENOENT' || e.code === 'ENOTDIR' ? (creating ? 'nonexistent directory' : 'no such file') : e.message.slice(e.message.lastIndexOf(': ') + 2);
      writeErrTo(table, `${sh.messagePrefix()}can't ${creating ? 'create' : 'open'} ${target}: ${why}\n`);
      return false;
    }
    opened.push(f);
    const entry: Fd = r.op === '<' ? { reader: f, writer: null } : r.op === '<>' ? { reader: f, writer: f } : { reader: null, writer: f };
    table.set(fd, entry);
    // &>file: standard output and standard error both.
    if (r.op === '&>') table.set(2, entry);
  }
  return true;
}

function writeErrTo(table: FdTable, text: string): void {
  const w = table.get(2)?.writer;
  if (w) queueWrite(w, toBytes(text)).catch(() => {});
}
