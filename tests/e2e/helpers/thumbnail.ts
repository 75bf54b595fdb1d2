import { writeFile } from "node:fs/promises";
import type { Browser, Page } from "playwright-core";

/**
 * Writes a small PNG of `page` (its viewport scaled to `width` CSS pixels wide), drawn on a canvas in a
 * blank page of the same browser, so no image library is needed.
 */
export async function writeThumbnail(browser: Browser, page: Page, file: string, width: number): Promise<void> {
  const png = (await page.screenshot()).toString("base64");
  const scratch = await browser.newPage();
  try {
    const small = await scratch.evaluate(
      async ({ png, width }) => {
        const img = new Image();
        img.src = `data:image/png;base64,${png}`;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = width;
        canvas.height = Math.round((img.height * width) / img.width);
        const ctx = canvas.getContext("2d")!;
        ctx.imageSmoothingQuality = "high";
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        return canvas.toDataURL("image/png").split(",")[1];
      },
      { png, width },
    );
    await writeFile(file, Buffer.from(small, "base64"));
  } finally {
    await scratch.close();
  }
}
