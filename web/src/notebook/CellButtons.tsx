interface Props {
  id: string;
  index: number;
  count: number;
  onMove: (id: string, delta: number) => void;
  onDelete: (id: string) => void;
  onAddBelow: (id: string) => void;
}

/** The right-hand buttons of every cell's bar: add below, move up and down, delete. */
export function CellButtons({ id, index, count, onMove, onDelete, onAddBelow }: Props) {
  return (
    <>
      <button type="button" className="icon-btn" onClick={() => onAddBelow(id)} title="Add a cell below" aria-label="Add cell below">
        +
      </button>
      <button
        type="button"
        className="icon-btn"
        onClick={() => onMove(id, -1)}
        disabled={index === 0}
        title="Move up"
        aria-label="Move cell up"
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-btn"
        onClick={() => onMove(id, 1)}
        disabled={index === count - 1}
        title="Move down"
        aria-label="Move cell down"
      >
        ↓
      </button>
      <button type="button" className="icon-btn" onClick={() => onDelete(id)} title="Delete cell" aria-label="Delete cell">
        ✕
      </button>
    </>
  );
}
