export { startSqsEmulator, type SqsEmulator } from './server';
