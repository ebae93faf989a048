import { MemoryStore } from '../../../shared/store/memory-store.ts';
import { storeSuite } from '../../suites/store.suite.ts';

storeSuite('memory', async () => new MemoryStore());
