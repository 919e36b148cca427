// Shared pieces of the scripts that check pages in headless Chromium:
// the launch, a static server on 127.0.0.1 and a page guard.
export {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  launchChromium,
  withChromium,
} from './launch.mjs';
export { guardContext } from './page-guard.mjs';
export { startStaticServer } from './static-server.mjs';
