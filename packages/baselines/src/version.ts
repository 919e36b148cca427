/** Version of `@fixclust/baselines`; a test keeps it equal to package.json's. */
export const BASELINES_PACKAGE_VERSION = '0.1.0';
