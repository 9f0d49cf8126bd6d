import { useMemo, type ReactElement } from 'react';
import { bbox, type Geometry, type Position } from './geometry';

const W = 360;
const H = 220;
const PAD = 10;
const COLORS = ['#2563eb', '#d97706', '#059669', '#db2777', '#7c3aed', '#0891b2'];

/** A small SVG drawing of the geometries of one result (no map tiles: just the shapes, y up). */
export function GeoSketch({ geometries, label }: { geometries: Geometry[]; label: string }) {
  const drawn = useMemo(() => render(geometries), [geometries]);
  const srids = [...new Set(geometries.map((g) => g.srid).filter((s): s is number => s !== undefined))];
  return (
    <figure className="geo-sketch" data-testid="geo-sketch">
      <svg width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`sketch of ${label}`}>
        <rect x={0} y={0} width={W} height={H} className="geo-bg" />
        {drawn}
      </svg>
      <figcaption>
        {label}: {geometries.length} {geometries.length === 1 ? 'shape' : 'shapes'}
        {srids.length > 0 && ` · SRID ${srids.join(', ')}`}
      </figcaption>
    </figure>
  );
}

function render(geoms: Geometry[]) {
  const box = bbox(geoms);
  if (!box) return null;
  const w = box.maxX - box.minX;
  const h = box.maxY - box.minY;
  const span = Math.max(w, h) || 1;
  const scale = Math.min((W - 2 * PAD) / (w || span), (H - 2 * PAD) / (h || span));
  const ox = PAD + (W - 2 * PAD - w * scale) / 2;
  const oy = PAD + (H - 2 * PAD - h * scale) / 2;
  const px = ([x, y]: Position): [number, number] => [ox + (x - box.minX) * scale, H - (oy + (y - box.minY) * scale)];
  const path = (ring: Position[], close: boolean) =>
    ring
      .map(
        (p, i) =>
          `${i ? 'L' : 'M'}${px(p)
            .map((v) => v.toFixed(1))
            .join(',')}`,
      )
      .join('') + (close ? 'Z' : '');
  const out: ReactElement[] = [];
  const draw = (g: Geometry, color: string, key: string) => {
    switch (g.type) {
      case 'Point':
        if (g.coordinates) point(g.coordinates, color, key);
        break;
      case 'MultiPoint':
        g.coordinates.forEach((c, i) => point(c, color, `${key}.${i}`));
        break;
      case 'LineString':
        out.push(<path key={key} d={path(g.coordinates, false)} className="geo-line" stroke={color} />);
        break;
      case 'MultiLineString':
        out.push(<path key={key} d={g.coordinates.map((l) => path(l, false)).join('')} className="geo-line" stroke={color} />);
        break;
      case 'Polygon':
        out.push(<path key={key} d={g.coordinates.map((r) => path(r, true)).join('')} className="geo-poly" stroke={color} fill={color} />);
        break;
      case 'MultiPolygon':
        out.push(
          <path
            key={key}
            d={g.coordinates.map((p) => p.map((r) => path(r, true)).join('')).join('')}
            className="geo-poly"
            stroke={color}
            fill={color}
          />,
        );
        break;
      case 'GeometryCollection':
        g.geometries.forEach((c, i) => draw(c, color, `${key}.${i}`));
        break;
    }
  };
  const point = (p: Position, color: string, key: string) => {
    const [x, y] = px(p);
    out.push(<circle key={key} cx={x} cy={y} r={3.5} className="geo-point" fill={color} />);
  };
  geoms.forEach((g, i) => draw(g, COLORS[i % COLORS.length], String(i)));
  return out;
}
