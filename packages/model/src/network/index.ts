export {
  flattenedSize,
  initialiseNetwork,
  planNetwork,
  type NetworkPlan,
  type NetworkShape,
  type NetworkWeights,
} from './architecture.js';
export type { ConvLayerSpec, ConvLayerWeights } from './convolution.js';
export type { DenseLayerSpec, DenseLayerWeights } from './dense.js';
export {
  decode,
  disposeTensors,
  forward,
  toTensors,
  type NetworkTensors,
} from './forward.js';
export { resolveImageShape, type ImageShape } from './image.js';
export { NetworkVariables } from './variables.js';
