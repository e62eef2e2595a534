-- vanish.lua -- (run with --unsafe) deletes the file named in the
-- document's text while that document is scanned, so that a file listed in
-- the folder is gone when the reader comes to it.
pack { name = "vanish", version = "0" }
rule "remove.file" {
  match = regex [[REMOVE (\S+)]],
  emit = function(m, doc)
    os.remove(doc.text:match("REMOVE (%S+)"))
    return { layer = "removed" }
  end,
}
rule "actor.place" {
  match = tokens [[ 'Singapore' | 'Korea' ]],
  emit = { layer = "actor" },
}
