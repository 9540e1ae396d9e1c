/**
 * Big but valid GLBs without big buffers: the JSON chunk is padded with spaces
 * (the glTF spec's own JSON padding), streamed from one shared buffer.
 */
const SPACES = Buffer.alloc(1 << 20, 0x20);

export interface PaddedGlb {
  length: number;
  /** The file's bytes in order; the padding parts share one buffer. */
  parts(): Generator<Uint8Array>;
}

/** `glb` with its JSON chunk grown by about `extra` bytes (rounded to 4). */
export function paddedGlb(glb: Buffer, extra: number): PaddedGlb {
  if (glb.toString("latin1", 0, 4) !== "glTF" || glb.toString("latin1", 16, 20) !== "JSON") throw new Error("not a GLB");
  const pad = extra - (extra % 4);
  const jsonLength = glb.readUInt32LE(12);
  const head = Buffer.from(glb.subarray(0, 20));
  head.writeUInt32LE(glb.length + pad, 8);
  head.writeUInt32LE(jsonLength + pad, 12);
  const json = glb.subarray(20, 20 + jsonLength);
  const rest = glb.subarray(20 + jsonLength);
  return {
    length: glb.length + pad,
    *parts() {
      yield head;
      yield json;
      for (let left = pad; left > 0; left -= SPACES.length) yield SPACES.subarray(0, Math.min(left, SPACES.length));
      yield rest;
    },
  };
}
