#!/bin/sh
# Writes the hostile and odd inputs of the check tests into DIR ($1).
# Large ones are generated here rather than kept in git.
set -eu
d=$1
# the examples, found from this script's own folder (any cwd will do)
ex=$(cd "$(dirname "$0")/../../examples" && pwd)
mkdir -p "$d"
NS='xmlns="urn:canvass:register:1"'
head='<community code="620402003005" name="a" street="b" district="c" city="d"/><campaign id="x" title="t" start="2011-09-01" end="2011-10-31" reported="2011-11-10"/><cadres/>'

# XXE: an external entity naming a local file
cat > "$d/xxe.xml" <<X
<?xml version="1.0"?>
<!DOCTYPE register [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>
<register $NS version="1">$head<households><household id="h1" dwelling="building" address="&x;"/></households></register>
X
# external DTD and a parameter entity over http
cat > "$d/dtd-http.xml" <<X
<?xml version="1.0"?>
<!DOCTYPE register SYSTEM "http://127.0.0.1:9/evil.dtd" [ <!ENTITY % p SYSTEM "http://127.0.0.1:9/p.ent"> %p; ]>
<register $NS version="1">$head<households/></register>
X
# billion laughs
{
  echo '<?xml version="1.0"?>'
  echo '<!DOCTYPE register ['
  echo ' <!ENTITY a0 "lol">'
  i=1; while [ $i -le 20 ]; do p=$((i-1)); echo " <!ENTITY a$i \"&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;&a$p;\">"; i=$((i+1)); done
  echo ']>'
  echo "<register $NS version=\"1\">$head<households><household id=\"h1\" dwelling=\"building\" address=\"&a20;\"/></households></register>"
} > "$d/bomb.xml"
# 100,000-deep nesting
python3 -c "
import sys
n=100000
sys.stdout.write('<?xml version=\"1.0\"?>\n<register $NS version=\"1\">'+'<a>'*n+'</a>'*n+'</register>\n')" > "$d/deep.xml"
# malformed UTF-8 in an attribute
printf '<?xml version="1.0" encoding="UTF-8"?>\n<register %s version="1">\n<community code="620402003005" name="\303\050bad" street="b" district="c" city="d"/>\n</register>\n' "$NS" > "$d/bad-utf8.xml"
# truncated: the reference register cut in the middle of a household
head -c 30000 "$ex/jinshan-2011.xml" > "$d/truncated.xml"
: > "$d/empty.xml"
# random bytes (fixed seed: the same bytes every run)
python3 -c "
import random,sys
r=random.Random(42)
sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(4096)))" > "$d/random.xml"
printf '<?xml version="1.0"?>\n<html><body>not a register</body></html>\n' > "$d/wrong-root.xml"
printf '<?xml version="1.0"?>\n<register xmlns="urn:example:other" version="1">\n</register>\n' > "$d/wrong-ns.xml"
# a 20 MB attribute
python3 -c "
import sys
sys.stdout.write('<?xml version=\"1.0\"?>\n<register $NS version=\"1\">\n<community code=\"620402003005\" name=\"'+'x'*(20*1024*1024)+'\" street=\"b\" district=\"c\" city=\"d\"/>\n</register>\n')" > "$d/big-attr.xml"
# an encoding we do not accept
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<register %s version="1"/>\n' "$NS" > "$d/latin1.xml"
# a gzip-compressed register: must not be decompressed transparently
gzip -n -c "$ex/hongxing-2011.xml" > "$d/compressed.xml"
# an XInclude: not processed, and not valid
printf '<?xml version="1.0"?>\n<register %s version="1" xmlns:xi="http://www.w3.org/2001/XInclude">\n<xi:include href="/etc/passwd" parse="text"/>\n</register>\n' "$NS" > "$d/xinclude.xml"
# UTF-16 (valid): the hongxing register re-encoded
python3 -c "
import sys
s=open('$ex/hongxing-2011.xml',encoding='utf-8').read()
s=s.replace('encoding=\"UTF-8\"','encoding=\"UTF-16\"')
sys.stdout.buffer.write(s.encode('utf-16'))" > "$d/utf16.xml"
# not regular files
mkdir -p "$d/a-directory.xml"
rm -f "$d/fifo.xml"; mkfifo "$d/fifo.xml"
# the reference register declared and encoded as GBK, and as GB2312 (valid)
for enc in GBK GB2312; do
    python3 -c "
import sys
s=open('$ex/jinshan-2011.xml',encoding='utf-8').read()
s=s.replace('encoding=\"UTF-8\"','encoding=\"$enc\"',1)
sys.stdout.buffer.write(s.encode('$enc'.lower()))" > "$d/jinshan-$(echo $enc | tr A-Z a-z).xml"
done
# one bad character in the middle of the reference register (in the text
# of opinion o060, line 538), in each encoding a register may declare:
# an invalid GBK byte, a cut GB18030 four-byte form, a lone UTF-16
# surrogate. Each used to end the parse there with an unlocated "encoding
# error" and count the register in part.
python3 -c "
s=open('$ex/jinshan-2011.xml',encoding='utf-8').read()
i=s.index('>',s.index('<opinion id=\"o060\"'))+1
def put(name,decl,codec,bom,bad):
    t=s.replace('encoding=\"UTF-8\"','encoding=\"%s\"'%decl,1)
    j=i+len(t)-len(s)
    open('$d/'+name,'wb').write(bom+t[:j].encode(codec)+bad+t[j:].encode(codec))
put('jinshan-bad-gbk.xml','GBK','gbk',b'',b'\xff')
put('jinshan-bad-gb18030.xml','GB18030','gb18030',b'',b'\x81\x30')
put('jinshan-bad-utf16le.xml','UTF-16','utf-16-le',b'\xff\xfe',b'\x00\xd8')
put('jinshan-bad-utf16be.xml','UTF-16','utf-16-be',b'\xfe\xff',b'\xdc\x00')
"
# UTF-8 registers declared GBK: the reference register (used to pass check,
# and fail build with an internal error), and a small one (used to be
# called truncated)
sed '1s/encoding="UTF-8"/encoding="GBK"/' "$ex/jinshan-2011.xml" > "$d/utf8-declared-gbk.xml"
sed '1s/encoding="UTF-8"/encoding="GBK"/' "$ex/hongxing-2011.xml" > "$d/utf8-declared-gbk-small.xml"
# inputs libxml2 takes quadratic time over, refused before it sees them:
# 40,000 and 200,000 attributes on one element (15 s and 413 s with 10,000
# error lines before the guard), one paragraph of 10.5 and 33 MB (6.4 s and
# 68 s)
python3 -c "
import sys
for n in (40000, 200000):
    with open('$d/attrs-%dk.xml' % (n // 1000), 'w') as f:
        f.write('<?xml version=\"1.0\"?>\n<register $NS version=\"1\">\n<community code=\"620402003005\" name=\"a\" street=\"b\" district=\"c\" city=\"d\"')
        f.write(''.join(' a%d=\"x\"' % i for i in range(n)))
        f.write('/>\n</register>\n')
s=open('$ex/hongxing-2011.xml',encoding='utf-8').read()
i=s.index('<p>')+3
for mb, name in ((10.5, 'paragraph-10mb.xml'), (33, 'paragraph-33mb.xml')):
    unit='走访入户了解民情。'
    n=int(mb*1024*1024)//len(unit.encode())
    open('$d/'+name,'w',encoding='utf-8').write(s[:i]+unit*n+s[i:])
"
# nothing but a UTF-16 byte order mark
printf '\377\376' > "$d/bom-only.xml"
