/** Version of `@fixclust/model`; a test keeps it equal to package.json's. */
export const MODEL_PACKAGE_VERSION = '0.1.0';
