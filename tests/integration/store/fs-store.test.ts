import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFsStore, type FsStore } from '../../../backend/store/index.ts';
import { storeSuite } from '../../suites/store.suite.ts';

// `auto` durability flushes small batches with fsync and large ones (the suite's
// 40- and 100-blob batches) with syncfs, so both paths run here.
storeSuite('fs', async () => openFsStore(await mkdtemp(join(tmpdir(), 'layerbox-store-'))), {
  reopen: async (s) => openFsStore((s as FsStore).layout.root),
  destroy: async (s) => {
    await (s as FsStore).close();
    await rm((s as FsStore).layout.root, { recursive: true, force: true });
  },
});
