// `@tensorflow/tfjs-core` registers no gradient functions, and its own
// `register_all_gradients` module cannot be imported from native ESM because
// of its extension-less imports. The umbrella `@tensorflow/tfjs` package's
// Node build registers them against the same tfjs-core instance.
import '@tensorflow/tfjs';
