import type { Digest } from '../digest/digest.ts';
import type { Engine } from './engine.ts';
import { getImage, layerRecords, loadImage, type Image } from './images.ts';

export interface HistoryRow {
  /** The image ID when this row is the top of a local image in the parent chain, else `<missing>`. */
  id: string;
  created: string;
  createdBy: string;
  size: number;
  comment: string;
  tags: string[];
}

/**
 * `history`: one row per history entry, newest first. Rows that are the top of an
 * image in the local parent chain (committed images) carry that image's ID, the others
 * read `<missing>`, as Docker shows them.
 */
export async function imageHistory(e: Engine, ref: string): Promise<HistoryRow[]> {
  const img = await getImage(e, ref);
  const layers = await layerRecords(e, img);
  const entries = img.config.history ?? [];
  // Which history lengths correspond to which local images (the parent chain).
  const tops = new Map<number, Image>();
  let cur: Image | undefined = img;
  const seen = new Set<Digest>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    tops.set((cur.config.history ?? []).length, cur);
    const parent: Digest | undefined = cur.record.parent;
    cur = parent ? await loadImage(e, parent).catch(() => undefined) : undefined;
  }
  const rows: HistoryRow[] = [];
  let layerIndex = 0;
  entries.forEach((h, i) => {
    const size = h.empty_layer ? 0 : (layers[layerIndex++]?.size ?? 0);
    const top = tops.get(i + 1);
    rows.push({
      id: top ? top.id : '<missing>',
      created: h.created ?? '',
      createdBy: h.created_by ?? '',
      size,
      comment: h.comment ?? '',
      tags: top ? top.tags : [],
    });
  });
  if (entries.length === 0) {
    // An image without history (some imports): one row per layer.
    layers.forEach((l, i) => rows.push({ id: i === layers.length - 1 ? img.id : '<missing>', created: img.config.created ?? '', createdBy: '', size: l.size, comment: '', tags: [] }));
  }
  return rows.reverse();
}

