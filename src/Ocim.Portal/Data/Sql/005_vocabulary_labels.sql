-- The labels of a listing's vocabulary slugs, in the vocabulary's order; a slug missing from the vocabulary shows as
-- itself. One definition for every reader (the listing page, the CSV export).
create function actor_vocabulary_labels(vocabulary_kind text, slugs text[]) returns text[]
language sql stable parallel safe as $$
    select coalesce(array_agg(coalesce(v.label, t.slug) order by v.sort_order, t.n), '{}')
    from unnest(slugs) with ordinality t(slug, n)
    left join actor_vocabulary v on v.kind = vocabulary_kind and v.slug = t.slug
$$;
