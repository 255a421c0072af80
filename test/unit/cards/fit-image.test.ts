import { createCanvas } from 'canvas';
import { fitImage } from '../../../src/cards/charts/fit-image';

/** A PNG that compresses badly (noise), the worst case for a message-size limit. */
function noisyPng(width: number, height: number): Buffer {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  const img = g.createImageData(width, height);
  let seed = 7;
  for (let i = 0; i < img.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    img.data[i] = seed & 255;
    img.data[i + 1] = (seed >> 8) & 255;
    img.data[i + 2] = (seed >> 16) & 255;
    img.data[i + 3] = 255;
  }
  g.putImageData(img, 0, 0);
  return canvas.toBuffer('image/png');
}

test('an image that fits is sent as it is', async () => {
  const small = createCanvas(100, 50).toBuffer('image/png');
  expect(await fitImage(small, 66_000)).toEqual({ bytes: small, mimeType: 'image/png' });
});

test('one that does not becomes a JPEG within the budget (Teams: 100 KB a message, base64 included)', async () => {
  const big = noisyPng(900, 480);
  expect(big.length).toBeGreaterThan(66_000);
  const fitted = await fitImage(big, 66_000);
  expect(fitted.mimeType).toBe('image/jpeg');
  expect(fitted.bytes.length).toBeLessThanOrEqual(66_000);
  expect(fitted.bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
});
