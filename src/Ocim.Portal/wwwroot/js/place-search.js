// The place box: enhances every <input data-place-search> inside a GET form into an ARIA 1.2 combobox whose listbox
// offers the places of /lieux/suggestions as one types (communes, départements, régions, intercommunalités).
//   data-place-target="acteurs|carte|territoires|couverture"  choosing a place opens it there;
//   data-place-fill="territory"  fills the form's hidden commune/departement/region/epci fields instead;
//   data-place-fill="autour"     fills the form's hidden « autour » field (communes only);
//   data-place-type="commune"    asks for one kind of place only.
// In every mode the input then dispatches a bubbling CustomEvent("place:select", { detail: suggestion }) whose
// detail is the suggestion's JSON ({ kind, code, name, label, context, lon, lat, bbox, population }).
// Without JavaScript the form is submitted as it is (to /lieux, or to the page that reads the typed place).

const TERRITORY_KEYS = ["commune", "departement", "region", "epci"];
const DELAY_MS = 150;
let counter = 0;

const KIND_LABELS = { commune: "commune", departement: "département", region: "région", epci: "intercommunalité" };

function hrefFor(place, target) {
  const code = encodeURIComponent(place.code);
  switch (target) {
    case "carte": return `/carte?${place.kind}=${code}`;
    case "territoires": return `/territoires/${place.kind}/${code}`;
    case "couverture": return `/territoires/${place.kind}/${code}/couverture`;
    default: return `/acteurs?${place.kind}=${code}`;
  }
}

function hiddenField(form, name) {
  let field = form.querySelector(`input[type="hidden"][name="${name}"]`);
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    form.append(field);
  }
  return field;
}

function enhance(input) {
  const form = input.form;
  const id = input.id || `place-search-${++counter}`;
  input.id = id;
  const wrapper = document.createElement("div");
  wrapper.className = "place-search";
  input.replaceWith(wrapper);
  wrapper.append(input);

  const listbox = document.createElement("ul");
  listbox.id = `${id}-suggestions`;
  listbox.className = "place-search__list";
  listbox.setAttribute("role", "listbox");
  const label = form?.querySelector(`label[for="${id}"]`);
  if (label) {
    label.id ||= `${id}-label`;
    listbox.setAttribute("aria-labelledby", label.id);
  } else {
    listbox.setAttribute("aria-label", "Lieux proposés");
  }
  listbox.hidden = true;

  const status = document.createElement("div");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  wrapper.append(listbox, status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("autocomplete", "off");

  let places = [];
  let active = -1;
  let timer = 0;
  let controller = null;
  let lastQuery = "";

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(index) {
    const options = listbox.querySelectorAll('[role="option"]');
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render() {
    listbox.replaceChildren();
    places.forEach((place, i) => {
      const option = document.createElement("li");
      option.id = `${id}-option-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = "place-search__option";
      const name = document.createElement("span");
      name.className = "place-search__label";
      name.textContent = place.label;
      const context = document.createElement("span");
      context.className = "place-search__context";
      context.textContent = [KIND_LABELS[place.kind], place.kind === "region" ? null : place.context].filter(Boolean).join(" · ");
      option.append(name, " ", context);
      option.addEventListener("mousedown", (event) => event.preventDefault());
      option.addEventListener("click", () => choose(i));
      listbox.append(option);
    });
    const open = places.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    status.textContent = places.length === 0 ? "Aucun lieu proposé."
      : places.length === 1 ? "1 lieu proposé, flèche bas pour le choisir."
      : `${places.length} lieux proposés, flèches haut et bas pour choisir.`;
  }

  async function suggest() {
    const query = input.value.trim();
    if (query === lastQuery) {
      return;
    }
    lastQuery = query;
    controller?.abort();
    if (query.length < 2) {
      places = [];
      close();
      status.textContent = "";
      return;
    }
    controller = new AbortController();
    const params = new URLSearchParams({ q: query });
    if (input.dataset.placeType) {
      params.set("type", input.dataset.placeType);
    }
    try {
      const response = await fetch(`/lieux/suggestions?${params}`, { signal: controller.signal, headers: { Accept: "application/json" } });
      places = response.ok ? await response.json() : [];
      render();
    } catch (error) {
      if (error.name !== "AbortError") {
        places = [];
        close();
      }
    }
  }

  function choose(index) {
    const place = places[index];
    if (!place) {
      return;
    }
    input.value = place.label;
    lastQuery = place.label;
    close();
    status.textContent = `${place.label} choisi.`;
    const fill = input.dataset.placeFill;
    if (fill === "territory" && form) {
      for (const key of TERRITORY_KEYS) {
        hiddenField(form, key).value = key === place.kind ? place.code : "";
      }
    } else if (fill === "autour" && form && place.kind === "commune") {
      hiddenField(form, "autour").value = place.code;
      for (const name of ["lat", "lon"]) {
        const field = form.elements.namedItem(name);
        if (field && "value" in field) {
          field.value = "";
        }
      }
    }
    input.dispatchEvent(new CustomEvent("place:select", { bubbles: true, detail: place }));
    const target = input.dataset.placeTarget;
    if (target) {
      window.location.assign(hrefFor(place, target));
    }
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(suggest, DELAY_MS);
  });
  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && places.length > 0;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open && places.length > 0) {
          listbox.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        setActive(places.length === 0 ? -1 : (active + 1) % places.length);
        break;
      case "ArrowUp":
        event.preventDefault();
        if (open) {
          setActive(active <= 0 ? places.length - 1 : active - 1);
        }
        break;
      case "Enter":
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value !== "") {
          input.value = "";
          lastQuery = "";
        }
        break;
      default:
        break;
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 100));
  input.addEventListener("focus", () => {
    if (places.length > 0 && input.value.trim() === lastQuery && lastQuery !== "" && !places.some((p) => p.label === input.value)) {
      render();
    }
  });
}

for (const input of document.querySelectorAll("input[data-place-search]")) {
  enhance(input);
}
