#!/usr/bin/env node
// The `genesys-rotator` command from a checkout (`npm run cli -- ...`): runs the TypeScript sources
// through tsx's require hook (a devDependency). The installed package does not ship this file: its
// `genesys-rotator` is dist/cli/genesys-rotator.cjs, one bundled CommonJS file built by
// scripts/bundle-cli.ts (`npm run build`), which needs nothing but node.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('./cli.ts');
