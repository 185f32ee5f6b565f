/** Genesys Cloud stand-in for tests, the demo and benchmarks (DESIGN.md §7). */
export { startGenesysEmulator } from './emulator';
export { EmulatorSetupError } from './errors';
export type {
  ClientState,
  CreateClientInput,
  CreateIntegrationCredentialInput,
  FaultMatch,
  GenesysEmulator,
  GenesysEmulatorOptions,
  GenesysFaults,
  IntegrationCredentialSnapshot,
  RecordUsageInput,
  RequestLogEntry,
  RoleDivision,
} from './types';
