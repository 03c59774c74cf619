// Sortable tables, as a progressive enhancement: every <table data-sortable> keeps working as a plain table without
// JavaScript; with it, each column header (thead th) gets a button that sorts the rows of the tbody, and the header
// says its order with aria-sort. Numbers are read from the cell's data-sort attribute when present, else from its
// French text (« 1 234,5 »); text is compared with the French collation (accents, case, numbers in order). Empty
// values go last whichever the direction. A polite status line tells screen-reader users what happened.
(() => {
  'use strict';

  const collator = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' });

  /** The number a cell holds, or null: data-sort first, else its text in French notation. */
  function numberOf(cell) {
    const raw = cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent;
    const text = (raw || '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
    const match = text.match(/^-?\d+(\.\d+)?/);
    return match ? Number(match[0]) : null;
  }

  function textOf(cell) {
    return (cell.hasAttribute('data-sort') ? cell.getAttribute('data-sort') : cell.textContent || '').trim();
  }

  function enhance(table) {
    const head = table.tHead;
    const body = table.tBodies[0];
    if (!head || !body || head.rows.length === 0) {
      return;
    }

    const headers = Array.from(head.rows[0].cells);
    const status = document.createElement('p');
    status.className = 'visually-hidden';
    status.setAttribute('role', 'status');
    table.insertAdjacentElement('afterend', status);
    // Original order, to break ties stably.
    Array.from(body.rows).forEach((row, index) => { row.dataset.order = String(index); });

    headers.forEach((th, column) => {
      const label = th.textContent.trim();
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort-button';
      button.textContent = label;
      th.textContent = '';
      th.appendChild(button);
      const numeric = th.classList.contains('num');

      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        headers.forEach(other => other.removeAttribute('aria-sort'));
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const direction = ascending ? 1 : -1;
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const ca = a.cells[column];
          const cb = b.cells[column];
          let result;
          if (numeric) {
            const na = ca ? numberOf(ca) : null;
            const nb = cb ? numberOf(cb) : null;
            if (na === null || nb === null) {
              // Empty values last in both directions.
              result = na === nb ? 0 : na === null ? 1 : -1;
              return result || Number(a.dataset.order) - Number(b.dataset.order);
            }
            result = (na - nb) * direction;
          } else {
            result = collator.compare(ca ? textOf(ca) : '', cb ? textOf(cb) : '') * direction;
          }
          return result || Number(a.dataset.order) - Number(b.dataset.order);
        });
        body.append(...rows);
        status.textContent = `Tableau trié par « ${label} », ordre ${ascending ? 'croissant' : 'décroissant'}.`;
      });
    });
  }

  document.querySelectorAll('table[data-sortable]').forEach(enhance);
})();
