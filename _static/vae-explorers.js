/* In-page explorers of the VAE book: they run in the reader's browser, without a kernel.
 *
 * A chapter cell (vae_helpers.web) writes <div class="vae-explorer" data-vae-explorer="KIND">
 * holding its numbers as JSON in <script type="application/json" class="vae-explorer-data">.
 * This script, loaded on every page, builds each such block into controls and a drawing:
 *   kl         chapter 1: a posterior's density against the prior, and the closed-form KL
 *   latent     chapter 5: a 2-d VAE's decoder, run in the page, drawing the digit at z
 *   threshold  chapter 7: precision, recall and the flagged images as a threshold moves
 * Arrays arrive packed (vae_helpers.web.pack_array): little-endian, zlib, base64.
 * A built block gets data-vae-ready="true"; one that fails shows its error in the page.
 */
(function () {
  "use strict";

  const SVG_NS = "http://www.w3.org/2000/svg";

  function element(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  function svgElement(tag, attributes) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      node.setAttribute(name, value);
    }
    return node;
  }

  function decimalsOf(step) {
    const text = String(step);
    return text.includes(".") ? text.split(".")[1].length : 0;
  }

  /* A labelled range input; onChange(value) runs on every move, value rounded to the step. */
  function slider(label, settings, onChange) {
    const decimals = decimalsOf(settings.step);
    const input = element("input", {
      type: "range",
      min: settings.min,
      max: settings.max,
      step: settings.step,
      value: settings.value,
      "aria-label": label,
    });
    const shown = element("output", { class: "vae-explorer-slider-value" });
    const read = () => Number(Number(input.value).toFixed(decimals));
    const update = () => {
      shown.textContent = read().toFixed(decimals);
      onChange(read());
    };
    input.addEventListener("input", update);
    const row = element("label", { class: "vae-explorer-slider" }, [
      element("span", { class: "vae-explorer-slider-label" }, [label]),
      input,
      shown,
    ]);
    shown.textContent = read().toFixed(decimals);
    return { row, input, read };
  }

  /* A step of 1, 2 or 5 times a power of ten giving at most maxTicks ticks over span. */
  function tickStep(span, maxTicks) {
    const raw = span / maxTicks;
    const power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const factor of [1, 2, 5, 10]) {
      if (factor * power >= raw) {
        return factor * power;
      }
    }
    return 10 * power;
  }

  function ticks(low, high, maxTicks) {
    const step = tickStep(high - low, maxTicks);
    const values = [];
    for (let value = Math.ceil(low / step) * step; value <= high + 1e-9; value += step) {
      values.push(Math.abs(value) < 1e-12 ? 0 : value);
    }
    return { values, decimals: Math.max(0, -Math.floor(Math.log10(step))) };
  }

  // Ticks, their labels and the axis name below a horizontal axis at height `base`, appended
  // to the SVG group `axes`; `x` maps a value to its horizontal position.
  function xAxis(axes, x, base, low, high, maxTicks, name, nameY) {
    const xTicks = ticks(low, high, maxTicks);
    for (const value of xTicks.values) {
      axes.append(svgElement("line", { x1: x(value), x2: x(value), y1: base, y2: base + 5 }));
      const label = svgElement("text", { x: x(value), y: base + 18, "text-anchor": "middle" });
      label.textContent = value.toFixed(xTicks.decimals);
      axes.append(label);
    }
    const title = svgElement("text", {
      x: (x(low) + x(high)) / 2,
      y: nameY,
      "text-anchor": "middle",
    });
    title.textContent = name;
    axes.append(title);
  }

  function normalDensity(z, mean, std) {
    const u = (z - mean) / std;
    return Math.exp(-0.5 * u * u) / (std * Math.sqrt(2 * Math.PI));
  }

  /* KL( N(mean, exp(logVar)) || N(0, 1) ), the closed form of chapter 1. */
  function gaussianKl(mean, logVar) {
    return 0.5 * (mean * mean + Math.exp(logVar) - 1 - logVar);
  }

  let float16Values = null;

  /* Every float16 bit pattern's value, built once (float16 values are exact in float32). */
  function float16Table() {
    if (!float16Values) {
      float16Values = new Float32Array(65536);
      for (let bits = 0; bits < 65536; bits++) {
        const sign = bits & 0x8000 ? -1 : 1;
        const exponent = (bits >> 10) & 0x1f;
        const fraction = bits & 0x3ff;
        float16Values[bits] =
          exponent === 0
            ? sign * Math.pow(2, -24) * fraction
            : exponent === 31
              ? fraction
                ? NaN
                : sign * Infinity
              : sign * Math.pow(2, exponent - 15) * (1 + fraction / 1024);
      }
    }
    return float16Values;
  }

  const ITEM_SIZES = { float16: 2, float32: 4, uint8: 1 };

  /* The typed array that vae_helpers.web.pack_array packed, with its shape: base64, then
   * zlib, then byte planes (every value's byte 0, then every value's byte 1, ...). */
  async function unpack(packed) {
    const size = ITEM_SIZES[packed.dtype];
    if (!size) {
      throw new Error(`unknown dtype ${packed.dtype}`);
    }
    const bytes = Uint8Array.from(atob(packed.data), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    const planes = new Uint8Array(await new Response(stream).arrayBuffer());
    const count = planes.length / size;
    const view = new DataView(new ArrayBuffer(planes.length));
    for (let byte = 0; byte < size; byte++) {
      for (let i = 0; i < count; i++) view.setUint8(i * size + byte, planes[byte * count + i]);
    }
    let values;
    if (packed.dtype === "float16") {
      const table = float16Table();
      values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = table[view.getUint16(2 * i, true)];
    } else if (packed.dtype === "float32") {
      values = new Float32Array(count);
      for (let i = 0; i < count; i++) values[i] = view.getFloat32(4 * i, true);
    } else {
      values = planes;
    }
    return { values, shape: packed.shape };
  }

  /* A grey image of 28 x 28 values in [0, 255] (or probabilities, scale 255) on a canvas. */
  function drawDigit(canvas, values, scale) {
    const context = canvas.getContext("2d");
    const image = context.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const grey = Math.round(values[i] * scale);
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = grey;
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  function digitCanvas(className) {
    return element("canvas", { class: className, width: 28, height: 28 });
  }

  /* Chapter 1: the density of q = N(mean, exp(logVar)) against the prior, and the KL. */
  function mountKl(root, data) {
    const width = 640;
    const height = 280;
    const margin = { left: 56, right: 16, top: 16, bottom: 44 };
    const svg = svgElement("svg", {
      class: "vae-explorer-plot",
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
    });
    const result = element("p", { class: "vae-explorer-result", "aria-live": "polite" });
    const state = { mean: data.mean.value, logVar: data.log_var.value };

    function draw() {
      const std = Math.exp(0.5 * state.logVar);
      const low = Math.min(-4, state.mean - 4 * std);
      const high = Math.max(4, state.mean + 4 * std);
      const count = 400;
      const grid = Array.from({ length: count }, (_, i) => low + ((high - low) * i) / (count - 1));
      const prior = grid.map((z) => normalDensity(z, 0, 1));
      const posterior = grid.map((z) => normalDensity(z, state.mean, std));
      const top = 1.08 * Math.max(...prior, ...posterior);
      const x = (z) =>
        margin.left + ((z - low) / (high - low)) * (width - margin.left - margin.right);
      const y = (p) => height - margin.bottom - (p / top) * (height - margin.top - margin.bottom);
      const path = (values) =>
        values
          .map((p, i) => `${i ? "L" : "M"}${x(grid[i]).toFixed(2)},${y(p).toFixed(2)}`)
          .join("");

      svg.replaceChildren();
      const axes = svgElement("g", { class: "vae-explorer-axes" });
      axes.append(
        svgElement("line", { x1: x(low), x2: x(high), y1: y(0), y2: y(0) }),
        svgElement("line", { x1: x(low), x2: x(low), y1: y(0), y2: y(top) }),
      );
      xAxis(axes, x, y(0), low, high, 10, "z", height - 6);
      const yTicks = ticks(0, top, 5);
      for (const value of yTicks.values) {
        axes.append(svgElement("line", { x1: x(low) - 5, x2: x(low), y1: y(value), y2: y(value) }));
        const label = svgElement("text", { x: x(low) - 8, y: y(value) + 4, "text-anchor": "end" });
        label.textContent = value.toFixed(yTicks.decimals);
        axes.append(label);
      }
      const yName = svgElement("text", {
        x: 14,
        y: (y(0) + y(top)) / 2,
        "text-anchor": "middle",
        transform: `rotate(-90 14 ${(y(0) + y(top)) / 2})`,
      });
      yName.textContent = "density";
      axes.append(yName);

      const floor = y(0).toFixed(2);
      const [left, right] = [x(low).toFixed(2), x(high).toFixed(2)];
      const area = `${path(posterior)}L${right},${floor}L${left},${floor}Z`;
      svg.append(
        axes,
        svgElement("path", { class: "vae-explorer-posterior", d: area }),
        svgElement("path", { class: "vae-explorer-prior", d: path(prior) }),
      );
      const legend = svgElement("g", { class: "vae-explorer-legend" });
      // The legend sits on the side away from q's mean, where the curves are low.
      const legendX = state.mean > 0 ? margin.left + 16 : width - margin.right - 190;
      legend.append(
        svgElement("line", {
          class: "vae-explorer-prior",
          x1: legendX,
          x2: legendX + 24,
          y1: 28,
          y2: 28,
        }),
        svgElement("rect", {
          class: "vae-explorer-posterior",
          x: legendX,
          y: 40,
          width: 24,
          height: 12,
        }),
      );
      const priorName = svgElement("text", { x: legendX + 32, y: 32 });
      priorName.textContent = "prior p(z) = N(0, 1)";
      const posteriorName = svgElement("text", { x: legendX + 32, y: 51 });
      posteriorName.textContent = "q(z|x)";
      legend.append(priorName, posteriorName);
      svg.append(legend);

      const kl = gaussianKl(state.mean, state.logVar);
      const description =
        `q = N(${state.mean.toFixed(2)}, exp(${state.logVar.toFixed(2)})): ` +
        `KL(q || p) = ${kl.toFixed(3)} nats`;
      svg.setAttribute("aria-label", `Density of ${description}, against the prior N(0, 1).`);
      result.replaceChildren(
        `q = N(${state.mean.toFixed(2)}, exp(${state.logVar.toFixed(2)})): KL(q || p) = `,
        element("span", { class: "vae-explorer-value", "data-name": "kl" }, [kl.toFixed(3)]),
        " nats",
      );
    }

    const mean = slider("mean", data.mean, (value) => {
      state.mean = value;
      draw();
    });
    const logVar = slider("log-variance", data.log_var, (value) => {
      state.logVar = value;
      draw();
    });
    state.mean = mean.read();
    state.logVar = logVar.read();
    root.append(
      element("div", { class: "vae-explorer-controls" }, [mean.row, logVar.row]),
      svg,
      result,
    );
    draw();
  }

  /* Chapter 5: a 2-d VAE's decoder run in the page; the sliders set z, the canvas shows
   * sigmoid(decoder(z)) at 256 grey levels. */
  async function mountLatent(root, data) {
    const layers = [];
    for (const layer of data.layers) {
      const kernel = await unpack(layer.kernel);
      const bias = await unpack(layer.bias);
      layers.push({
        kernel: kernel.values,
        shape: kernel.shape,
        bias: bias.values,
        activation: layer.activation,
      });
    }
    const canvas = digitCanvas("vae-explorer-digit");
    canvas.setAttribute("role", "img");
    const caption = element("p", { class: "vae-explorer-result", "aria-live": "polite" });
    const z = data.z.map((settings) => settings.value);

    function decode() {
      let activations = Float64Array.from(z);
      for (const layer of layers) {
        const [inputs, outputs] = layer.shape;
        const next = Float64Array.from(layer.bias);
        for (let i = 0; i < inputs; i++) {
          const a = activations[i];
          if (a === 0) continue;
          const row = i * outputs;
          for (let j = 0; j < outputs; j++) next[j] += a * layer.kernel[row + j];
        }
        if (layer.activation === "relu") {
          for (let j = 0; j < outputs; j++) next[j] = Math.max(0, next[j]);
        }
        activations = next;
      }
      return activations.map((logit) => 1 / (1 + Math.exp(-logit)));
    }

    function draw() {
      drawDigit(canvas, decode(), 255);
      const where = z.map((value) => value.toFixed(1)).join(", ");
      canvas.setAttribute("aria-label", `The digit the decoder draws at z = (${where}).`);
      caption.textContent = `z = (${where})`;
    }

    const sliders = data.z.map((settings, index) =>
      slider(`z${index + 1}`, settings, (value) => {
        z[index] = value;
        draw();
      }),
    );
    sliders.forEach((control, index) => (z[index] = control.read()));
    root.append(
      element(
        "div",
        { class: "vae-explorer-controls" },
        sliders.map((control) => control.row),
      ),
      element("div", { class: "vae-explorer-digit-frame" }, [canvas]),
      caption,
    );
    draw();
  }

  /* The q-th percentile of sorted values, interpolated linearly (NumPy's default). */
  function percentile(sorted, q) {
    const position = ((sorted.length - 1) * q) / 100;
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
  }

  /* Chapter 7: flag every image scoring above the threshold; the decisions as it moves. */
  async function mountThreshold(root, data) {
    const scores = (await unpack(data.scores)).values;
    const isAnomaly = (await unpack(data.is_anomaly)).values;
    const images = (await unpack(data.images)).values;
    const slot = new Map(data.image_indices.map((index, position) => [index, position]));
    const order = Array.from(scores.keys()).sort((a, b) => scores[a] - scores[b]);
    const sorted = order.map((index) => scores[index]);

    // Histograms of the normal and anomalous scores, drawn once; the threshold line moves.
    const width = 640;
    const height = 220;
    const margin = { left: 48, right: 16, top: 12, bottom: 40 };
    const low = sorted[0];
    const high = percentile(sorted, 99.5);
    const bins = 60;
    const binWidth = (high - low) / bins || 1;
    const counts = [new Array(bins).fill(0), new Array(bins).fill(0)];
    const totals = [0, 0];
    for (let i = 0; i < scores.length; i++) {
      totals[isAnomaly[i]] += 1;
      const bin = Math.floor((scores[i] - low) / binWidth);
      if (scores[i] <= high && bin >= 0) counts[isAnomaly[i]][Math.min(bin, bins - 1)] += 1;
    }
    const density = counts.map((row, label) =>
      row.map((count) => count / (totals[label] * binWidth || 1)),
    );
    const top = 1.08 * Math.max(...density[0], ...density[1]);
    const x = (score) =>
      margin.left + ((score - low) / (high - low || 1)) * (width - margin.left - margin.right);
    const y = (value) =>
      height - margin.bottom - (value / top) * (height - margin.top - margin.bottom);
    const svg = svgElement("svg", {
      class: "vae-explorer-plot",
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
    });
    const axes = svgElement("g", { class: "vae-explorer-axes" });
    axes.append(svgElement("line", { x1: x(low), x2: x(high), y1: y(0), y2: y(0) }));
    xAxis(axes, x, y(0), low, high, 8, "score (nats)", height - 4);
    svg.append(axes);
    ["normal", "anomaly"].forEach((name, label) => {
      const group = svgElement("g", { class: `vae-explorer-${name}` });
      density[label].forEach((value, bin) => {
        group.append(
          svgElement("rect", {
            x: x(low + bin * binWidth),
            y: y(value),
            width: Math.max(0, x(low + (bin + 1) * binWidth) - x(low + bin * binWidth)),
            height: y(0) - y(value),
          }),
        );
      });
      svg.append(group);
      const key = svgElement("rect", {
        class: `vae-explorer-${name}`,
        x: width - 130,
        y: 14 + 18 * label,
        width: 14,
        height: 10,
      });
      const text = svgElement("text", { x: width - 110, y: 23 + 18 * label });
      text.textContent = name;
      svg.append(key, text);
    });
    const line = svgElement("line", { class: "vae-explorer-threshold", y1: y(0), y2: y(top) });
    svg.append(line);

    const result = element("p", { class: "vae-explorer-result", "aria-live": "polite" });
    const matrix = element("table", { class: "vae-explorer-confusion" });
    const gallery = element("div", { class: "vae-explorer-gallery" });

    function decide(threshold) {
      const confusion = [
        [0, 0],
        [0, 0],
      ];
      for (let i = 0; i < scores.length; i++)
        confusion[isAnomaly[i]][scores[i] > threshold ? 1 : 0] += 1;
      const [[tn, fp], [fn, tp]] = confusion;
      return {
        confusion,
        flagged: tp + fp,
        precision: tp + fp ? tp / (tp + fp) : 0,
        recall: tp + fn ? tp / (tp + fn) : 0,
        f1: 2 * tp + fp + fn ? (2 * tp) / (2 * tp + fp + fn) : 0,
        tn,
      };
    }

    function value(name, number, digits) {
      return element("span", { class: "vae-explorer-value", "data-name": name }, [
        number.toFixed(digits),
      ]);
    }

    function draw(k) {
      const threshold = data.threshold + k * data.step;
      const report = decide(threshold);
      line.setAttribute("x1", x(threshold));
      line.setAttribute("x2", x(threshold));
      svg.setAttribute(
        "aria-label",
        "Histograms of the normal and anomalous scores, with the threshold at " +
          `${threshold.toFixed(1)}.`,
      );
      result.replaceChildren(
        "threshold ",
        value("threshold", threshold, 1),
        ": ",
        element("span", { class: "vae-explorer-value", "data-name": "flagged" }, [
          String(report.flagged),
        ]),
        ` of ${scores.length} flagged; precision `,
        value("precision", report.precision, 3),
        ", recall ",
        value("recall", report.recall, 3),
        ", F1 ",
        value("f1", report.f1, 3),
      );
      const row = (name, counts) =>
        element("tr", {}, [
          element("th", { scope: "row" }, [name]),
          ...counts.map((count) => element("td", {}, [String(count)])),
        ]);
      matrix.replaceChildren(
        element("caption", {}, ["rows: truly; columns: flagged as"]),
        element("tr", {}, [
          element("th", {}, [""]),
          element("th", { scope: "col" }, ["normal"]),
          element("th", { scope: "col" }, ["anomaly"]),
        ]),
        row("normal", report.confusion[0]),
        row("anomaly", report.confusion[1]),
      );
      // The flagged images closest above the threshold: the borderline calls.
      let first = 0;
      let last = sorted.length;
      while (first < last) {
        const middle = (first + last) >> 1;
        if (sorted[middle] > threshold) last = middle;
        else first = middle + 1;
      }
      const cards = order.slice(first, first + data.num_images).map((index) => {
        const canvas = digitCanvas("vae-explorer-thumbnail");
        const position = slot.get(index);
        if (position !== undefined)
          drawDigit(canvas, images.subarray(784 * position, 784 * (position + 1)), 1);
        const truth = isAnomaly[index] ? "anomaly" : "NORMAL";
        canvas.setAttribute("role", "img");
        canvas.setAttribute(
          "aria-label",
          `A flagged image, score ${scores[index].toFixed(1)}, truly ${truth}.`,
        );
        return element("figure", { class: "vae-explorer-card", "data-index": index }, [
          canvas,
          element("figcaption", {}, [`${scores[index].toFixed(1)}`, element("br"), truth]),
        ]);
      });
      gallery.replaceChildren(...cards);
    }

    const control = slider(
      "threshold",
      { min: data.k_min, max: data.k_max, step: 1, value: 0 },
      (k) => draw(k),
    );
    // The slider moves in whole steps; it shows the threshold, not the step number.
    const shown = control.row.querySelector("output");
    const showThreshold = () =>
      (shown.textContent = (data.threshold + control.read() * data.step).toFixed(1));
    control.input.addEventListener("input", showThreshold);
    showThreshold();
    root.append(
      element("div", { class: "vae-explorer-controls" }, [control.row]),
      svg,
      result,
      matrix,
      element("p", { class: "vae-explorer-caption" }, [
        "The flagged images closest above the threshold " +
          "(score in nats; NORMAL marks a false alarm):",
      ]),
      gallery,
    );
    draw(control.read());
  }

  const EXPLORERS = { kl: mountKl, latent: mountLatent, threshold: mountThreshold };

  async function mount(root) {
    try {
      const build = EXPLORERS[root.dataset.vaeExplorer];
      if (!build) {
        throw new Error(`unknown explorer "${root.dataset.vaeExplorer}"`);
      }
      const data = JSON.parse(root.querySelector(".vae-explorer-data").textContent);
      root.querySelector(".vae-explorer-note")?.remove();
      await build(root, data);
      root.dataset.vaeReady = "true";
    } catch (error) {
      root.dataset.vaeReady = "failed";
      root.append(
        element("p", { class: "vae-explorer-error" }, [`This explorer failed: ${error.message}`]),
      );
    }
  }

  function mountAll() {
    for (const root of document.querySelectorAll(".vae-explorer[data-vae-explorer]")) {
      if (!root.dataset.vaeReady) {
        root.dataset.vaeReady = "building";
        mount(root);
      }
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
