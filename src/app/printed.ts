import { BytesSource, readAll, type Source } from '../model/source.js';
import { printable, type TreeNode } from '../model/tree.js';
import { limits } from '../readers/shared/limits.js';
import { isCredentialFileName, REDACTED, redactedFileBytes } from '../readers/shared/secrets.js';

/** Whether what is printed hides credentials (the default) or shows them (`--show-secrets`). */
export type SecretsPolicy = 'hide' | 'show';

export function secretsPolicy(showSecrets: boolean): SecretsPolicy {
  return showSecrets ? 'show' : 'hide';
}

const judged = new WeakMap<TreeNode, Promise<Source | undefined>>();

/**
 * The bytes cat, text diffs and the viewer print for a node. Readers give known secret files their
 * redacted copy when they open; any other configuration or key file, in any format, is judged by its
 * text only here, when it is printed: judging every such file on open would read all of them.
 */
export function printedContent(node: TreeNode, path: string, policy: SecretsPolicy): Promise<Source | undefined> {
  const shown = printable(node);
  if (policy === 'show' || node.shown || !shown || node.kind !== 'file' || !isCredentialFileName(path))
    return Promise.resolve(shown);
  let copy = judged.get(node);
  if (!copy) {
    copy = redactedCopy(shown);
    judged.set(node, copy);
  }
  return copy;
}

async function redactedCopy(content: Source): Promise<Source> {
  const bytes = await readAll(content, limits.redactBytes);
  if (bytes === null)
    return new BytesSource(Buffer.from(`${REDACTED} (withheld whole: larger than the redactBytes limit)\n`));
  const redacted = redactedFileBytes(bytes);
  return redacted ? new BytesSource(redacted) : content;
}
