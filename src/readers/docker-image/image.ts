import { diagnostic, type Diagnostic } from '../../model/diagnostics.js';
import { limits } from './limits.js';
import type { MetaRecord } from '../../model/metadata.js';
import type { ChildSnapshot, Snapshot } from '../../model/snapshot.js';
import type { OpenOptions } from '../reader.js';
import { isJsonObject, type JsonObject } from '../shared/json.js';
import type { TarArchive } from '../shared/tar-archive.js';
import { archiveFacts } from '../shared/tar-snapshot.js';
import { configMetadata, configProblem, countProblems, diffIds, layerHistory } from './config.js';
import { redactedValue } from '../shared/secrets.js';
import type { Detection, ImageVariant } from './detect.js';
import { layerView } from './layer-view.js';
import { inLayer, layerArchiveProblems, layerProblems, LayerStore, type OpenedLayer } from './layers.js';
import { digestInName, memberTable, type MemberTable } from './members.js';
import { mergeLayers } from './merge.js';
import { planFromIndex, planFromSave, type BlobRef, type ImagePlan, type ImageRef } from './plan.js';
import { verifyDockerImage } from './checks.js';
import { imageVerifyFacts, layerVerifyFacts, type ImageVerifyData } from './verify-data.js';
import { pushAll } from '../../model/arrays.js';

/** One opened save or OCI archive; every image and layer view of it shares the member table and layer cache. */
interface ArchiveContext {
  members: MemberTable;
  layers: LayerStore;
  variant: ImageVariant;
  fileName: string;
  options: OpenOptions;
  plan: ImagePlan;
  /** Problems of the archive as a whole, reported with whichever image is shown. */
  diagnostics: Diagnostic[];
}

/** The default image of the archive, its root the merged filesystem; the other images are `#image:N`. */
export async function openImageArchive(
  archive: TarArchive,
  detection: Detection,
  fileName: string,
  options: OpenOptions,
): Promise<Snapshot> {
  const members = memberTable(archive);
  const diagnostics: Diagnostic[] = [...archive.diagnostics, ...archive.index.diagnostics];
  if (detection.manifestError)
    diagnostics.push(diagnostic('error', 'IMAGE_MANIFEST_INVALID', detection.manifestError, 'manifest.json'));
  let plan: ImagePlan = { images: [], chosen: 0 };
  if (detection.save) plan = await planFromSave(members, detection.save, diagnostics);
  else if (detection.variant !== 'legacy') plan = await planFromIndex(members, diagnostics);
  if (plan.images.length > 1) {
    const shown = plan.images[plan.chosen]?.title ?? `image ${plan.chosen + 1}`;
    diagnostics.push(
      diagnostic(
        'info',
        'IMAGE_SEVERAL',
        `the archive holds ${plan.images.length} images; showing ${shown}, the others as #image:N`,
      ),
    );
  }
  return openImage(
    { members, layers: new LayerStore(members), variant: detection.variant, fileName, options, plan, diagnostics },
    plan.chosen,
  );
}

async function openImage(context: ArchiveContext, index: number): Promise<Snapshot> {
  const diagnostics = [...context.diagnostics];
  const entry = context.plan.images[index];
  const image: ImageRef = entry
    ? await entry.load(diagnostics)
    : { repoTags: [], config: null, manifest: null, layers: [] };
  const config = await readConfig(context.members, image.config, diagnostics);
  const layers = await openLayers(context, image, diagnostics);
  pushAll(diagnostics, countProblems(image.layers.length, config, image.config?.path ?? 'manifest.json'));
  const merged = await mergeLayers(layers.map((layer) => layer?.archive ?? null));
  pushAll(diagnostics, merged.diagnostics);
  const facts = imageVerifyFacts(context.members, image, layers, diffIds(config));
  const records = layerRecords(image.layers, layers, config, context.options.showSecrets);
  const title = entry?.title ?? context.fileName;
  const metadata = imageMetadata(context, index, image, config, records, facts);
  const snapshot: Snapshot = {
    format: 'docker-image',
    variant: context.variant,
    title,
    metadata,
    root: merged.root,
    children: [],
    diagnostics,
  };
  const layerChildren = records.map((record, i) =>
    layerChild({
      title,
      number: i + 1,
      count: records.length,
      path: image.layers[i]?.path ?? '',
      record,
      layer: layers[i] ?? null,
      facts,
    }),
  );
  snapshot.children = [mergedChild(snapshot, records.length), ...layerChildren, ...imageChildren(context)];
  snapshot.verify = (verifyContext) => verifyDockerImage(snapshot, facts, verifyContext);
  return snapshot;
}

/** Each layer blob, indexed (once per archive), bottom first; null for the ones the archive lacks. */
async function openLayers(
  context: ArchiveContext,
  image: ImageRef,
  diagnostics: Diagnostic[],
): Promise<(OpenedLayer | null)[]> {
  if (image.layers.length > limits.imageLayers) {
    diagnostics.push(
      diagnostic(
        'error',
        'IMAGE_TOO_MANY_LAYERS',
        `the manifest lists ${image.layers.length} layers; only the first ${limits.imageLayers} are read (limit imageLayers)`,
      ),
    );
    image.layers = image.layers.slice(0, limits.imageLayers);
  }
  const layers: (OpenedLayer | null)[] = [];
  // A blob named again is the same member: its problems are told once, at its first number.
  const told = new Set<OpenedLayer>();
  for (const [i, ref] of image.layers.entries()) {
    const layer = await context.layers.open(ref.path);
    layers.push(layer);
    if (layer && told.has(layer)) continue;
    if (layer) told.add(layer);
    pushAll(diagnostics, [
      ...layerProblems(i + 1, ref.path, layer),
      ...layerArchiveProblems(layer).map((found) => inLayer(i + 1, found)),
    ]);
  }
  pushAll(diagnostics, repeatedLayers(layers));
  return layers;
}

/** Runs of one blob stacked on itself, which the merge applies once (a repeat right above changes nothing). */
function repeatedLayers(layers: readonly (OpenedLayer | null)[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (let start = 0; start < layers.length;) {
    const layer = layers[start];
    let end = start + 1;
    while (layer && layers[end] === layer) end++;
    if (layer && end - start > 1)
      found.push(
        diagnostic(
          'info',
          'IMAGE_LAYER_REPEATED',
          `layers ${start + 2}–${end} repeat layer ${start + 1} (${layer.path}); the same blob right above itself changes nothing, so it is merged once`,
          layer.path,
        ),
      );
    start = end;
  }
  return found;
}

function imageMetadata(
  context: ArchiveContext,
  index: number,
  image: ImageRef,
  config: JsonObject | null,
  layers: MetaRecord[],
  facts: ImageVerifyData,
): MetaRecord {
  const metadata: MetaRecord = { repo_tags: image.repoTags };
  if (facts.config) metadata.image_id = `sha256:${facts.config.expected}`;
  Object.assign(metadata, config ? configMetadata(config, context.options.showSecrets) : {}, { layers });
  if (context.plan.images.length > 1)
    metadata.images = context.plan.images.map((other, i) => ({
      selector: `image:${i + 1}`,
      ...other.summary,
      shown: i === index,
    }));
  metadata.archive = archiveFacts(context.members.archive);
  return metadata;
}

async function readConfig(
  members: MemberTable,
  config: BlobRef | null,
  diagnostics: Diagnostic[],
): Promise<JsonObject | null> {
  if (!config) return null;
  const read = await members.readJson(config.path);
  if (read.ok && isJsonObject(read.value)) return read.value;
  diagnostics.push(configProblem(config.path, read.ok ? { missing: false, error: 'it is not a JSON object' } : read));
  return null;
}

/** `docker history` in layer order, with what the blob turned out to be. */
function layerRecords(
  refs: readonly BlobRef[],
  layers: readonly (OpenedLayer | null)[],
  config: JsonObject | null,
  showSecrets: boolean,
): MetaRecord[] {
  const ids = diffIds(config);
  const history = layerHistory(config);
  return refs.map((ref, i) => {
    const layer = layers[i] ?? null;
    const named = digestInName(ref.path);
    const record: MetaRecord = {
      index: i + 1,
      path: ref.path,
      digest: ref.descriptor?.digest ?? (named === null ? null : `sha256:${named}`),
      diff_id: ids[i] ?? null,
      size: layer ? layer.blob.size : null,
      media_type: ref.descriptor?.mediaType ?? null,
      compression: layer ? layer.compression : 'missing',
    };
    const made = history[i];
    if (made) {
      const told = { created_by: made.created_by ?? null, comment: made.comment ?? null };
      Object.assign(record, showSecrets ? told : redactedValue(told));
    }
    return record;
  });
}

function mergedChild(snapshot: Snapshot, layers: number): ChildSnapshot {
  return {
    selector: 'merged',
    title: `${snapshot.title}: merged filesystem (the default)`,
    summary: { layers },
    open: async () => snapshot,
  };
}

interface LayerChildParts {
  title: string;
  number: number;
  count: number;
  path: string;
  record: MetaRecord;
  layer: OpenedLayer | null;
  facts: ImageVerifyData;
}

/** `#layer:N` counts from 1 at the bottom (base) layer, as `rootfs.diff_ids` does; `docker history` lists the same layers top down. */
function layerChild(parts: LayerChildParts): ChildSnapshot {
  let opened: Promise<Snapshot> | undefined;
  const { number, count, record } = parts;
  const summary: MetaRecord = {
    diff_id: record.diff_id ?? null,
    size: record.size ?? null,
    compression: record.compression ?? null,
  };
  if (record.comment !== undefined) summary.comment = record.comment;
  return {
    selector: `layer:${number}`,
    title: `${parts.title}: layer ${number} of ${count}`,
    summary,
    open: () => (opened ??= openLayer(parts)),
  };
}

async function openLayer({ title, number, count, path, record, layer, facts }: LayerChildParts): Promise<Snapshot> {
  const view = await layerView(layer);
  const diagnostics = [...layerProblems(number, path, layer), ...layerArchiveProblems(layer), ...view.diagnostics];
  const metadata: MetaRecord = { layer: record };
  if (layer?.archive) metadata.archive = archiveFacts(layer.archive);
  const snapshot: Snapshot = {
    format: 'docker-image',
    variant: 'layer',
    title: `${title}: layer ${number} of ${count}`,
    metadata,
    root: view.root,
    children: [],
    diagnostics,
  };
  const layerFacts = layerVerifyFacts(facts, number);
  snapshot.verify = (context) => verifyDockerImage(snapshot, layerFacts, context);
  return snapshot;
}

function imageChildren(context: ArchiveContext): ChildSnapshot[] {
  if (context.plan.images.length < 2) return [];
  return context.plan.images.map((image, i) => ({
    selector: `image:${i + 1}`,
    title: image.title ?? `image ${i + 1}`,
    summary: image.summary,
    open: () => openImage(context, i),
  }));
}
