/**
 * The bindings (DESIGN.md §3 "Bindings") as the functions receive them: the serialized JSON, and, for a
 * function whose environment cannot hold it, a Lambda layer that ships the same JSON as a file.
 *
 * Why a layer: Lambda refuses an environment over 4 KB, and a fleet's bindings outgrow that quickly
 * (about 150 bytes a secret). A layer is independent of how the function code is built (esbuild at synth
 * today, a pre-bundled asset later), so the file is there whatever the code asset is. The layer's asset
 * is a directory written at synth time into the cloud assembly (content-addressed, so a repeated synth
 * reuses it); its content lands under `/opt` in the function.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Stage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { serializeBindings, type SecretBinding } from '../../lambdas/core/bindings';

/** Directory of the bindings file inside the layer (and under `/opt` in the function). */
export const BINDINGS_LAYER_DIRECTORY = 'genesys-oauth-rotator';
/** Where a function finds the bindings file the layer ships: the value of `ROTATOR_BINDINGS_FILE`. */
export const BINDINGS_FILE_PATH = `/opt/${BINDINGS_LAYER_DIRECTORY}/bindings.json`;

export interface RotatorBindingsProps {
  /** Bindings by secret name. */
  readonly secrets: Readonly<Record<string, SecretBinding>>;
  /** Of the functions that use the layer. */
  readonly runtime: lambda.Runtime;
  readonly architecture: lambda.Architecture;
}

export class RotatorBindings extends Construct {
  /** The serialized bindings: the value of `ROTATOR_BINDINGS`, and the content of the file. */
  readonly json: string;
  private readonly props: RotatorBindingsProps;
  private layerVersion?: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: RotatorBindingsProps) {
    super(scope, id);
    this.props = props;
    this.json = serializeBindings(props.secrets);
  }

  /** The layer holding `BINDINGS_FILE_PATH`; created on first use only (a small fleet never needs it). */
  get layer(): lambda.LayerVersion {
    this.layerVersion ??= new lambda.LayerVersion(this, 'Layer', {
      description: `Genesys OAuth rotator: bindings of the managed secrets (${BINDINGS_FILE_PATH})`,
      code: lambda.Code.fromAsset(this.writeAssetDirectory()),
      compatibleRuntimes: [this.props.runtime],
      compatibleArchitectures: [this.props.architecture],
    });
    return this.layerVersion;
  }

  /** `<dir>/genesys-oauth-rotator/bindings.json`, in the cloud assembly when there is one. */
  private writeAssetDirectory(): string {
    const digest = createHash('sha256').update(this.json).digest('hex').slice(0, 32);
    const outdir = Stage.of(this)?.outdir;
    const root =
      outdir !== undefined ? path.join(outdir, 'genesys-oauth-rotator-bindings', digest) : mkdtempSync(path.join(tmpdir(), 'genesys-oauth-rotator-bindings-'));
    const directory = path.join(root, BINDINGS_LAYER_DIRECTORY);
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, 'bindings.json'), this.json);
    return root;
  }
}
