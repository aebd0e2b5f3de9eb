/**
 * In-page tabs, per the WAI-ARIA tabs pattern (USWDS has no tabs component): a tablist of
 * buttons, one tab stop (the selected tab); Left/Right move between tabs and select them, Home
 * and End go to the first and last. Every panel is rendered (an inactive one `hidden`), so each
 * tab's `aria-controls` names an element that exists.
 */
import { type KeyboardEvent, type ReactNode, useRef } from 'react';
import { tabAfterKey } from './tab-keys.js';

export interface TabItem<K extends string> {
  key: K;
  label: ReactNode;
  panel: ReactNode;
}

export function Tabs<K extends string>({
  id,
  label,
  items,
  selected,
  onSelect,
}: {
  id: string;
  /** The tablist's accessible name. */
  label: string;
  items: readonly TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
}) {
  const buttons = useRef(new Map<K, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const target = tabAfterKey(e.key, index, items.length);
    if (target === undefined) return;
    e.preventDefault();
    const key = items[target]!.key;
    onSelect(key);
    buttons.current.get(key)?.focus();
  };
  return (
    <div className="carepack-tabs">
      <div role="tablist" aria-label={label} className="carepack-tabs__list">
        {items.map((item, index) => {
          const active = item.key === selected;
          return (
            <button
              key={item.key}
              ref={(el) => {
                if (el) buttons.current.set(item.key, el);
                else buttons.current.delete(item.key);
              }}
              type="button"
              role="tab"
              id={`${id}-tab-${item.key}`}
              aria-selected={active}
              aria-controls={`${id}-panel-${item.key}`}
              tabIndex={active ? 0 : -1}
              className={`carepack-tabs__tab${active ? ' carepack-tabs__tab--active' : ''}`}
              onClick={() => onSelect(item.key)}
              onKeyDown={(e) => onKeyDown(e, index)}
            >
              {item.label}
            </button>
          );
        })}
      </div>
      {items.map((item) => (
        <div
          key={item.key}
          role="tabpanel"
          id={`${id}-panel-${item.key}`}
          aria-labelledby={`${id}-tab-${item.key}`}
          hidden={item.key !== selected}
          className="carepack-tabs__panel"
        >
          {item.panel}
        </div>
      ))}
    </div>
  );
}
