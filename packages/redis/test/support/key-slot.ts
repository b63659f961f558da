/**
 * Redis Cluster's key-to-slot function, written from the cluster specification: CRC16-XMODEM
 * (polynomial 0x1021, initial value 0) of the key's hash tag, or of the whole key when it has
 * none, modulo 16384. The hash tag is what lies between the first `{` and the first `}` after
 * it, if that is not empty.
 */

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** The cluster hash slot of `key` (0..16383). */
export function keySlot(key: string): number {
  const open = key.indexOf("{");
  const close = open === -1 ? -1 : key.indexOf("}", open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(new TextEncoder().encode(hashed)) % 16384;
}

export { crc16 };
