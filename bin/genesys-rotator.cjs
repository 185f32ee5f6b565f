#!/usr/bin/env node
// The `genesys-rotator` command. This repository ships TypeScript sources, so the CLI runs through
// tsx's require hook (a runtime dependency); `npm run cli -- ...` does the same from a checkout.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('./cli.ts');
