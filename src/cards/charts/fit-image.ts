import { createCanvas, loadImage } from 'canvas';

export type FittedImage = { bytes: Buffer; mimeType: 'image/png' | 'image/jpeg' };

/**
 * An image within `maxBytes`, for platforms that carry images inside the message (Teams: 100 KB
 * per activity, base64 included): the PNG as it is when it fits, else a JPEG of it (charts sit on
 * an opaque white background, so nothing is lost but a little sharpness), smaller if need be.
 */
export async function fitImage(png: Buffer, maxBytes: number): Promise<FittedImage> {
  if (png.length <= maxBytes) return { bytes: png, mimeType: 'image/png' };
  const image = await loadImage(png);
  for (const [scale, quality] of [[1, 0.85], [1, 0.7], [0.75, 0.7], [0.5, 0.7]] as const) {
    const canvas = createCanvas(Math.round(image.width * scale), Math.round(image.height * scale));
    const g = canvas.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(image, 0, 0, canvas.width, canvas.height);
    const jpeg = canvas.toBuffer('image/jpeg', { quality });
    if (jpeg.length <= maxBytes) return { bytes: jpeg, mimeType: 'image/jpeg' };
  }
  throw new Error(`image of ${png.length} bytes does not fit in ${maxBytes} bytes`);
}
