/**
 * The glTF reader/writer of the merge: every extension gltf-transform knows, so
 * clip files using one (meshopt, quantization, texture transforms...) read back
 * as they are, and the meshopt codec for EXT_meshopt_compression both ways.
 */
import { Logger, NodeIO } from "@gltf-transform/core";
import { ALL_EXTENSIONS } from "@gltf-transform/extensions";
import { MeshoptDecoder, MeshoptEncoder } from "meshoptimizer";

let io: Promise<NodeIO> | undefined;

/**
 * One shared instance: the codecs compile their WebAssembly once per process.
 * Documents it reads log errors only: gltf-transform's progress lines ("prune:
 * Removed types...") would land in the CLI's output.
 */
export function mergeIO(): Promise<NodeIO> {
  io ??= Promise.all([MeshoptDecoder.ready, MeshoptEncoder.ready]).then(() =>
    new NodeIO()
      .setLogger(new Logger(Logger.Verbosity.ERROR))
      .registerExtensions(ALL_EXTENSIONS)
      .registerDependencies({ "meshopt.decoder": MeshoptDecoder, "meshopt.encoder": MeshoptEncoder }),
  );
  return io;
}
