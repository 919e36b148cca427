import { cpuBackend } from '@fixclust/backend-cpu';
import { wasmBackend } from '@fixclust/backend-wasm';

import { describeBackendConformance } from './conformance/index.js';

describeBackendConformance('cpu', cpuBackend());
describeBackendConformance('wasm', wasmBackend());
