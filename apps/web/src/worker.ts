/**
 * Entry of the training worker: the page creates one per training, sends
 * it a `start` request and possibly a `stop`, and terminates it after
 * `done` or `failed`.
 */
import type { PostEvent, WorkerRequest } from './protocol.js';
import { runTraining } from './training.js';

/** The parts of a dedicated worker's global scope this file uses. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: unknown, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const post: PostEvent = (event, transfer = []) =>
  scope.postMessage(event, transfer);
let controller: AbortController | undefined;

scope.onmessage = ({ data: request }) => {
  if (request.type === 'stop') {
    controller?.abort();
    return;
  }
  if (controller !== undefined) {
    post({
      type: 'failed',
      error: {
        name: 'InvalidParameterError',
        message:
          'this worker is already training; create a new worker for each ' +
          'start request',
      },
    });
    return;
  }
  controller = new AbortController();
  void runTraining(request, post, controller.signal);
};
