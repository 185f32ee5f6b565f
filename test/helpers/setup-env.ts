// Lambda-like environment for every test file. Tests that need other values set them locally.
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCALTEST';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local-test-secret-access-key';
process.env.POWERTOOLS_DEV ??= 'false';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// This machine runs Node 20 (Lambda runs nodejs22.x); the SDK's Node 20 notice is noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
