// A drawn digit (canvas RGBA pixels) turned into the network's 0/1 input of rows × cols,
// centred and scaled like MNIST (the ink's bounding box fitted into the middle 20/28 of the frame).

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA bytes, width × height × 4; ink is any non-transparent, dark-on-light or light-on-dark pixel with alpha */
  data: Uint8ClampedArray;
}

/** Ink coverage of each target cell from the alpha channel, then thresholded at `threshold`. */
export function rasterizeDrawing(image: RgbaImage, rows: number, cols: number, threshold = 0.25): Uint8Array {
  const { width, height, data } = image;
  let minX = width;
  let minY = height;
  let maxX = -1;
  let maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] > 0) {
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
  }
  const out = new Uint8Array(rows * cols);
  if (maxX < 0) return out;
  // fit the ink box into the central (20/28) of the frame, keeping its aspect ratio
  const margin = rows >= 20 ? 4 / 28 : 0;
  const inner = 1 - 2 * margin;
  const boxW = maxX - minX + 1;
  const boxH = maxY - minY + 1;
  const scale = Math.max(boxW / (cols * inner), boxH / (rows * inner));
  const centerX = (minX + maxX + 1) / 2;
  const centerY = (minY + maxY + 1) / 2;
  const samples = 4;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let ink = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = Math.floor(centerX + (c + (sx + 0.5) / samples - cols / 2) * scale);
          const y = Math.floor(centerY + (r + (sy + 0.5) / samples - rows / 2) * scale);
          if (x >= 0 && x < width && y >= 0 && y < height) ink += data[(y * width + x) * 4 + 3] / 255;
        }
      }
      out[r * cols + c] = ink / (samples * samples) >= threshold ? 1 : 0;
    }
  }
  return out;
}
