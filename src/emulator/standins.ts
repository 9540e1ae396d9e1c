/**
 * Stand-ins for formats the emulator cannot produce for real (see README.md):
 * FBX files are a genuine binary-FBX header plus a note, USDZ files are genuine
 * (stored) zips holding one .usda layer. Enough for format sniffing, downloads
 * and checksums; not for opening in a DCC tool.
 */
import { crc32 } from "node:zlib";

/** "Kaydara FBX Binary  \0" + 0x1A 0x00 + uint32 LE version: the binary FBX magic. */
export function fbxStandIn(note: string, version = 7400): Uint8Array {
  const magic = Buffer.from("Kaydara FBX Binary  \u0000\u001a\u0000", "latin1");
  const ver = Buffer.alloc(4);
  ver.writeUInt32LE(version);
  return new Uint8Array(Buffer.concat([magic, ver, Buffer.from(`; rigup emulator stand-in: ${note}\n`, "utf8")]));
}

/**
 * A USDZ: an uncompressed zip whose single entry's data starts on a 64-byte
 * boundary, as the USDZ spec requires (padding goes in the local header's extra field).
 */
export function usdzStandIn(name: string, note: string): Uint8Array {
  const fileName = Buffer.from(`${name}.usda`, "utf8");
  const data = Buffer.from(
    `#usda 1.0\n(\n    doc = "rigup emulator stand-in: ${note.replace(/"/g, "'")}"\n    defaultPrim = "Character"\n)\n\ndef Xform "Character"\n{\n}\n`,
    "utf8",
  );
  const crc = crc32(data);
  const extraLen = (64 - ((30 + fileName.length) % 64)) % 64;
  const local = Buffer.alloc(30 + fileName.length + extraLen);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x21, 12); // DOS date 1980-01-01: fixed, so bytes are deterministic
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(extraLen, 28);
  fileName.copy(local, 30);
  const central = Buffer.alloc(46 + fileName.length);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4); // version made by
  central.writeUInt16LE(20, 6); // version needed
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(0, 42); // local header offset
  fileName.copy(central, 46);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(local.length + data.length, 16);
  return new Uint8Array(Buffer.concat([local, data, central, end]));
}

/** A 1x1 transparent GIF: the library's preview_url points at it. */
export const PREVIEW_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
