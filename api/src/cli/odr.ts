/** Entry point of the `odr` command (bin/odr.js). */
import '../common/heap.js';
import { run } from './program.js';

process.exitCode = await run(process.argv);
