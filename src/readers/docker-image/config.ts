import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import type { MetaRecord, MetaValue } from '../../model/metadata.js';
import { isJsonObject, type JsonObject } from '../shared/json.js';
import { environmentEntry, redactedValue } from '../shared/secrets.js';

/** The fields of docs/formats/containers.md, docker save, in the order `docker inspect` shows them. */
const TOP_FIELDS = ['created', 'author', 'architecture', 'os', 'variant'];
const CONFIG_FIELDS = [
  'User',
  'ExposedPorts',
  'Env',
  'Entrypoint',
  'Cmd',
  'Volumes',
  'WorkingDir',
  'Labels',
  'StopSignal',
  'Healthcheck',
  'OnBuild',
  'Shell',
];
const HISTORY_FIELDS = ['created', 'author', 'created_by', 'comment', 'empty_layer'];
const DOCKER_FIELDS = ['container', 'docker_version'];

/**
 * The image config as metadata. Unless asked, credentials are redacted wherever an image carries
 * them: environment values under secret names and URL passwords in any, and the same inside commands,
 * labels and health checks, and in history, where every `ENV` and `--build-arg` of the build is kept.
 */
export function configMetadata(config: JsonObject, showSecrets: boolean): MetaRecord {
  const shown = (value: MetaValue): MetaValue => (showSecrets ? value : redactedValue(value));
  const meta = pick(config, TOP_FIELDS);
  const inner = isJsonObject(config.config) ? config.config : {};
  const process: MetaRecord = {};
  for (const [key, value] of Object.entries(pick(inner, CONFIG_FIELDS))) process[key] = shown(value);
  if (Array.isArray(inner.Env))
    process.Env = inner.Env.map((item) =>
      typeof item === 'string' ? environmentEntry(item, showSecrets).shown : item,
    );
  meta.config = process;
  meta.rootfs = { type: isJsonObject(config.rootfs) ? (config.rootfs.type ?? null) : null, diff_ids: diffIds(config) };
  meta.history = historyOf(config).map((entry) => shown(pick(entry, HISTORY_FIELDS)));
  return { ...meta, ...pick(config, DOCKER_FIELDS) };
}

function pick(source: JsonObject, keys: readonly string[]): MetaRecord {
  const picked: MetaRecord = {};
  for (const key of keys) if (key in source) picked[key] = source[key] ?? null;
  return picked;
}

export function diffIds(config: JsonObject | null): string[] {
  const ids = config && isJsonObject(config.rootfs) ? config.rootfs.diff_ids : undefined;
  return Array.isArray(ids) ? ids.map((id) => (typeof id === 'string' ? id : '')) : [];
}

export function historyOf(config: JsonObject | null): JsonObject[] {
  return config && Array.isArray(config.history) ? config.history.filter(isJsonObject) : [];
}

/** History entries that made a layer, in layer order: `empty_layer: true` entries (ENV, CMD, …) made none. */
export function layerHistory(config: JsonObject | null): JsonObject[] {
  return historyOf(config).filter((entry) => entry.empty_layer !== true);
}

/** Layers, `rootfs.diff_ids` and layer-making history entries must pair one to one. */
export function countProblems(layers: number, config: JsonObject | null, configPath: string): Diagnostic[] {
  const problems: Diagnostic[] = [];
  if (!config) return problems;
  const ids = diffIds(config).length;
  if (ids !== layers) {
    problems.push(
      diagnostic(
        'error',
        'IMAGE_LAYER_COUNT_MISMATCH',
        `the manifest lists ${layers} layers but the config's rootfs.diff_ids has ${ids}; docker load would refuse the image`,
        configPath,
      ),
    );
  }
  const made = layerHistory(config).length;
  if (historyOf(config).length > 0 && made !== layers) {
    problems.push(
      diagnostic(
        'warning',
        'IMAGE_LAYER_COUNT_MISMATCH',
        `the config's history has ${made} entries that made a layer, but the image has ${layers} layers`,
        configPath,
      ),
    );
  }
  return problems;
}

export function configProblem(path: string, reason: { missing: boolean; error: string }): Diagnostic {
  if (reason.missing)
    return diagnostic('error', 'IMAGE_CONFIG_MISSING', `the image config ${path} is not in the archive`, path);
  return diagnostic('error', 'IMAGE_CONFIG_INVALID', `the image config is unreadable: ${reason.error}`, path);
}
