(module
 (type $0 (func (param i32 i32 i32 i32) (result f64)))
 (type $1 (func (param i32 i32 i32 i32 i32 f64)))
 (type $2 (func (param i32 i32 i32 i32 i32 i32 i32 i32 f64 i32) (result f64)))
 (type $3 (func (param f64) (result f64)))
 (type $4 (func (param i32 i32 i32 i32 i32 f64 i32 f64) (result f64)))
 (type $5 (func (param i32 i32 i32 i32 i32 f32 i32 f32) (result f64)))
 (type $6 (func (param i32 i32 i32 f64 i32 i32 f64 i32 i32 i32) (result f64)))
 (type $7 (func (param i32 i32 i32 f32 i32 i32 f32 i32 i32 i32) (result f64)))
 (type $8 (func (param i32 i32 i32 i32 i32 i32)))
 (global $wasm/logits-rows/rowMaxS (mut f64) (f64.const 0))
 (global $wasm/logits-rows/rowMaxT (mut f64) (f64.const 0))
 (global $wasm/logits-rows/rowDot (mut f64) (f64.const 0))
 (global $wasm/logits-rows/rowMinE (mut f64) (f64.const 0))
 (global $wasm/logits-rows/rowSumU (mut f64) (f64.const 0))
 (global $wasm/logits-rows/rowSumPW (mut f64) (f64.const 0))
 (memory $0 1)
 (data $0 (i32.const 1024) "\18r\b1B")
 (data $1 (i32.const 1032) "\ef9\fa\feB.\86@")
 (data $2 (i32.const 1042) "\80\7f")
 (data $3 (i32.const 1054) "\f0\7f")
 (data $4 (i32.const 1058) "\d0\c2")
 (data $5 (i32.const 1069) "P\87\c0")
 (data $6 (i32.const 1072) ";\aa\b8?")
 (data $7 (i32.const 1080) "\fe\82+eG\15\f7?")
 (data $8 (i32.const 1090) "@K")
 (data $9 (i32.const 1102) "8C")
 (data $10 (i32.const 1105) "\801?")
 (data $11 (i32.const 1114) "\e0\feB.\e6?")
 (data $12 (i32.const 1120) "\83\80^\b9")
 (data $13 (i32.const 1128) "v<y5\ef9\ea=")
 (data $14 (i32.const 1136) "\ff\ff\7f")
 (data $15 (i32.const 1144) "\ff\ff\ff\ff\ff\ff\0f")
 (data $16 (i32.const 1154) "@")
 (data $17 (i32.const 1166) "\08")
 (data $18 (i32.const 1168) "\7f")
 (data $19 (i32.const 1176) "\ff\03")
 (data $20 (i32.const 1186) "\ae\c2")
 (data $21 (i32.const 1197) " \86\c0")
 (data $22 (i32.const 1200) "\aa\aa*>")
 (data $23 (i32.const 1207) "?")
 (data $24 (i32.const 1208) "\08\89\08<")
 (data $25 (i32.const 1212) "\c1\a9*=")
 (data $26 (i32.const 1216) "giP9")
 (data $27 (i32.const 1220) "\ceC\b7:")
 (data $28 (i32.const 1226) "\80?")
 (data $29 (i32.const 1238) "\f0?")
 (data $30 (i32.const 1246) "\e0?")
 (data $31 (i32.const 1248) "UUUUUU\c5?")
 (data $32 (i32.const 1256) "UUUUUU\a5?")
 (data $33 (i32.const 1264) "\11\11\11\11\11\11\81?")
 (data $34 (i32.const 1272) "\17l\c1\16l\c1V?")
 (data $35 (i32.const 1280) "\1a\a0\01\1a\a0\01*?")
 (data $36 (i32.const 1288) "\1a\a0\01\1a\a0\01\fa>")
 (data $37 (i32.const 1296) "4\c7V\a5\e3\1d\c7>")
 (data $38 (i32.const 1304) "\\\9fx\b7O~\92>")
 (data $39 (i32.const 1312) "\e4D\f5gE\e6Z>")
 (data $40 (i32.const 1320) "\98\d8\f8\ef\d8\ee!>")
 (data $41 (i32.const 1328) "\f3\045?")
 (data $42 (i32.const 1334) "\80?")
 (data $43 (i32.const 1336) "\fc\ff\7f\be")
 (data $44 (i32.const 1340) "\aa\aa\aa>")
 (data $45 (i32.const 1344) "P\ae*\be")
 (data $46 (i32.const 1348) "\ac\ceL>")
 (data $47 (i32.const 1352) "O]\fe\bd")
 (data $48 (i32.const 1356) "\bf\e9\11>")
 (data $49 (i32.const 1360) "\b8\d1\eb\bd")
 (data $50 (i32.const 1364) "\1a%\ef=")
 (data $51 (i32.const 1368) "\bb!\90=")
 (data $52 (i32.const 1375) "?")
 (data $53 (i32.const 1376) "\18r1?")
 (data $54 (i32.const 1384) "\cd;\7ff\9e\a0\e6?")
 (data $55 (i32.const 1398) "\f0?")
 (data $56 (i32.const 1407) "@")
 (data $57 (i32.const 1408) "\9f\c6x\d0\t\9a\c3?")
 (data $58 (i32.const 1416) "\afx\8e\1d\c5q\cc?")
 (data $59 (i32.const 1424) "\04\fa\97\99\99\99\d9?")
 (data $60 (i32.const 1432) "DR>\df\12\f1\c2?")
 (data $61 (i32.const 1440) "\de\03\cb\96dF\c7?")
 (data $62 (i32.const 1448) "Y\93\"\94$I\d2?")
 (data $63 (i32.const 1456) "\93UUUUU\e5?")
 (data $64 (i32.const 1470) "\e0?")
 (data $65 (i32.const 1472) "v<y5\ef9\ea=")
 (data $66 (i32.const 1482) "\e0\feB.\e6?")
 (data $67 (i32.const 1490) "\80")
 (data $68 (i32.const 1502) "\10")
 (data $69 (i32.const 1506) "\c0\7f")
 (data $70 (i32.const 1510) "\80?")
 (data $71 (i32.const 1518) "\f8\7f")
 (data $72 (i32.const 1526) "\f0?")
 (data $73 (i32.const 1530) "\80")
 (data $74 (i32.const 1550) "\f0?n\bf\88\1aO;\9b<53\fb\a9=\f6\ef?]\dc\d8\9c\13`q\bca\80w>\9a\ec\ef?\d1f\87\10z^\90\bc\85\7fn\e8\15\e3\ef?\13\f6g5R\d2\8c<t\85\15\d3\b0\d9\ef?\fa\8e\f9#\80\ce\8b\bc\de\f6\dd)k\d0\ef?a\c8\e6aN\f7`<\c8\9bu\18E\c7\ef?\99\d33[\e4\a3\90<\83\f3\c6\ca>\be\ef?m{\83]\a6\9a\97<\0f\89\f9lX\b5\ef?\fc\ef\fd\92\1a\b5\8e<\f7Gr+\92\ac\ef?\d1\9c/p=\be><\a2\d1\d32\ec\a3\ef?\0bn\90\894\03j\bc\1b\d3\fe\aff\9b\ef?\0e\bd/*RV\95\bcQ[\12\d0\01\93\ef?U\eaN\8c\ef\80P\bc\cc1l\c0\bd\8a\ef?\16\f4\d5\b9#\c9\91\bc\e0-\a9\ae\9a\82\ef?\afU\\\e9\e3\d3\80<Q\8e\a5\c8\98z\ef?H\93\a5\ea\15\1b\80\bc{Q}<\b8r\ef?=2\deU\f0\1f\8f\bc\ea\8d\8c8\f9j\ef?\bfS\13?\8c\89\8b<u\cbo\eb[c\ef?&\eb\11v\9c\d9\96\bc\d4\\\04\84\e0[\ef?`/:>\f7\ec\9a<\aa\b9h1\87T\ef?\9d8\86\cb\82\e7\8f\bc\1d\d9\fc\"PM\ef?\8d\c3\a6DAo\8a<\d6\8cb\88;F\ef?}\04\e4\b0\05z\80<\96\dc}\91I?\ef?\94\a8\a8\e3\fd\8e\96<8bunz8\ef?}Ht\f2\18^\87<?\a6\b2O\ce1\ef?\f2\e7\1f\98+G\80<\dd|\e2eE+\ef?^\08q?{\b8\96\bc\81c\f5\e1\df$\ef?1\ab\tm\e1\f7\82<\e1\de\1f\f5\9d\1e\ef?\fa\bfo\1a\9b!=\bc\90\d9\da\d0\7f\18\ef?\b4\n\0cr\827\8b<\0b\03\e4\a6\85\12\ef?\8f\cb\ce\89\92\14n<V/>\a9\af\0c\ef?\b6\ab\b0MuM\83<\15\b71\n\fe\06\ef?Lt\ac\e2\01B\86<1\d8L\fcp\01\ef?J\f8\d3]9\dd\8f<\ff\16d\b2\08\fc\ee?\04[\8e;\80\a3\86\bc\f1\9f\92_\c5\f6\ee?hPK\cc\edJ\92\bc\cb\a9:7\a7\f1\ee?\8e-Q\1b\f8\07\99\bcf\d8\05m\ae\ec\ee?\d26\94>\e8\d1q\bc\f7\9f\e54\db\e7\ee?\15\1b\ce\b3\19\19\99\bc\e5\a8\13\c3-\e3\ee?mL*\a7H\9f\85<\"4\12L\a6\de\ee?\8ai(z`\12\93\bc\1c\80\ac\04E\da\ee?[\89\17H\8f\a7X\bc*.\f7!\n\d6\ee?\1b\9aIg\9b,|\bc\97\a8P\d9\f5\d1\ee?\11\ac\c2`\edcC<-\89a`\08\ce\ee?\efd\06;\tf\96<W\00\1d\edA\ca\ee?y\03\a1\da\e1\ccn<\d0<\c1\b5\a2\c6\ee?0\12\0f?\8e\ff\93<\de\d3\d7\f0*\c3\ee?\b0\afz\bb\ce\90v<\'*6\d5\da\bf\ee?w\e0T\eb\bd\1d\93<\r\dd\fd\99\b2\bc\ee?\8e\a3q\004\94\8f\bc\a7,\9dv\b2\b9\ee?I\a3\93\dc\cc\de\87\bcBf\cf\a2\da\b6\ee?_8\0f\bd\c6\dex\bc\82O\9dV+\b4\ee?\f6\\{\ecF\12\86\bc\0f\92]\ca\a4\b1\ee?\8e\d7\fd\18\055\93<\da\'\b56G\af\ee?\05\9b\8a/\b7\98{<\fd\c7\97\d4\12\ad\ee?\tT\1c\e2\e1c\90<)TH\dd\07\ab\ee?\ea\c6\19P\85\c74<\b7FY\8a&\a9\ee?5\c0d+\e62\94<H!\ad\15o\a7\ee?\9fv\99aJ\e4\8c\bc\t\dcv\b9\e1\a5\ee?\a8M\ef;\c53\8c\bc\85U:\b0~\a4\ee?\ae\e9+\89xS\84\bc \c3\cc4F\a3\ee?XXVx\dd\ce\93\bc%\"U\828\a2\ee?d\19~\80\aa\10W<s\a9L\d4U\a1\ee?(\"^\bf\ef\b3\93\bc\cd;\7ff\9e\a0\ee?\82\b94\87\ad\12j\bc\bf\da\0bu\12\a0\ee?\ee\a9m\b8\efgc\bc/\1ae<\b2\9f\ee?Q\88\e0T=\dc\80\bc\84\94Q\f9}\9f\ee?\cf>Z~d\1fx\bct_\ec\e8u\9f\ee?\b0}\8b\c0J\ee\86\bct\81\a5H\9a\9f\ee?\8a\e6U\1e2\19\86\bc\c9gBV\eb\9f\ee?\d3\d4\t^\cb\9c\90<?]\deOi\a0\ee?\1d\a5M\b9\dc2{\bc\87\01\ebs\14\a1\ee?k\c0gT\fd\ec\94<2\c10\01\ed\a1\ee?Ul\d6\ab\e1\ebe<bN\cf6\f3\a2\ee?B\cf\b3/\c5\a1\88\bc\12\1a>T\'\a4\ee?47;\f1\b6i\93\bc\13\ceL\99\89\a5\ee?\1e\ff\19:\84^\80\bc\ad\c7#F\1a\a7\ee?nWr\d8P\d4\94\bc\ed\92D\9b\d9\a8\ee?\00\8a\0e[g\ad\90<\99f\8a\d9\c7\aa\ee?\b4\ea\f0\c1/\b7\8d<\db\a0*B\e5\ac\ee?\ff\e7\c5\9c`\b6e\bc\8cD\b5\162\af\ee?D_\f3Y\83\f6{<6w\15\99\ae\b1\ee?\83=\1e\a7\1f\t\93\bc\c6\ff\91\0b[\b4\ee?)\1el\8b\b8\a9]\bc\e5\c5\cd\b07\b7\ee?Y\b9\90|\f9#l\bc\0fR\c8\cbD\ba\ee?\aa\f9\f4\"CC\92\bcPN\de\9f\82\bd\ee?K\8ef\d7l\ca\85\bc\ba\07\cap\f1\c0\ee?\'\ce\91+\fc\afq<\90\f0\a3\82\91\c4\ee?\bbs\n\e15\d2m<##\e3\19c\c8\ee?c\"b\"\04\c5\87\bce\e5]{f\cc\ee?\d51\e2\e3\86\1c\8b<3-J\ec\9b\d0\ee?\15\bb\bc\d3\d1\bb\91\bc]%>\b2\03\d5\ee?\d21\ee\9c1\cc\90<X\b30\13\9e\d9\ee?\b3Zsn\84i\84<\bf\fdyUk\de\ee?\b4\9d\8e\97\cd\df\82\bcz\f3\d3\bfk\e3\ee?\873\cb\92w\1a\8c<\ad\d3Z\99\9f\e8\ee?\fa\d9\d1J\8f{\90\bcf\b6\8d)\07\ee\ee?\ba\ae\dcV\d9\c3U\bc\fb\15O\b8\a2\f3\ee?@\f6\a6=\0e\a4\90\bc:Y\e5\8dr\f9\ee?4\93\ad8\f4\d6h\bcG^\fb\f2v\ff\ee?5\8aXk\e2\ee\91\bcJ\06\a10\b0\05\ef?\cd\dd_\n\d7\fft<\d2\c1K\90\1e\0c\ef?\ac\98\92\fa\fb\bd\91\bc\t\1e\d7[\c2\12\ef?\b3\0c\af0\aens<\9cR\85\dd\9b\19\ef?\94\fd\9f\\2\e3\8e<z\d0\ff_\ab \ef?\acY\t\d1\8f\e0\84<K\d1W.\f1\'\ef?g\1aN8\af\cdc<\b5\e7\06\94m/\ef?h\19\92l,kg<i\90\ef\dc 7\ef?\d2\b5\cc\83\18\8a\80\bc\fa\c3]U\0b?\ef?o\fa\ff?]\ad\8f\bc|\89\07J-G\ef?I\a9u8\ae\r\90\bc\f2\89\r\08\87O\ef?\a7\07=\a6\85\a3t<\87\a4\fb\dc\18X\ef?\0f\"@ \9e\91\82\bc\98\83\c9\16\e3`\ef?\ac\92\c1\d5PZ\8e<\852\db\03\e6i\ef?Kk\01\acY:\84<`\b4\01\f3!s\ef?\1f>\b4\07!\d5\82\bc_\9b{3\97|\ef?\c9\rG;\b9*\89\bc)\a1\f5\14F\86\ef?\d3\88:`\04\b6t<\f6?\8b\e7.\90\ef?qr\9dQ\ec\c5\83<\83L\c7\fbQ\9a\ef?\f0\91\d3\8f\12\f7\8f\bc\da\90\a4\a2\af\a4\ef?}t#\e2\98\ae\8d\bc\f1g\8e-H\af\ef?\08 \aaA\bc\c3\8e<\'Za\ee\1b\ba\ef?2\eb\a9\c3\94+\84<\97\bak7+\c5\ef?\ee\85\d11\a9d\8a<@En[v\d0\ef?\ed\e3;\e4\ba7\8e\bc\14\be\9c\ad\fd\db\ef?\9d\cd\91M;\89w<\d8\90\9e\81\c1\e7\ef?\89\cc`A\c1\05S<\f1q\8f+\c2\f3\ef?")
 (data $75 (i32.const 3584) "\9f\de\e0\c3\f04\f7?\00\90\e6y\7f\cc\d7\bf\1f\e9,jx\13\f7?\00\00\r\c2\eeo\d7\bf\a0\b5\fa\08`\f2\f6?\00\e0Q\13\e3\13\d7\bf}\8c\13\1f\a6\d1\f6?\00x(8[\b8\d6\bf\d1\b4\c5\0bI\b1\f6?\00x\80\90U]\d6\bf\ba\0c/3G\91\f6?\00\00\18v\d0\02\d6\bf#B\"\18\9fq\f6?\00\90\90\86\ca\a8\d5\bf\d9\1e\a5\99OR\f6?\00P\03VCO\d5\bf\c4$\8f\aaV3\f6?\00@k\c37\f6\d4\bf\14\dc\9dk\b3\14\f6?\00P\a8\fd\a7\9d\d4\bfL\\\c6Rd\f6\f5?\00\a8\899\92E\d4\bfO,\91\b5g\d8\f5?\00\b8\b09\f4\ed\d3\bf\de\90[\cb\bc\ba\f5?\00p\8fD\ce\96\d3\bfx\1a\d9\f2a\9d\f5?\00\a0\bd\17\1e@\d3\bf\87VF\12V\80\f5?\00\80F\ef\e2\e9\d2\bf\d3k\e7\ce\97c\f5?\00\e008\1b\94\d2\bf\93\7f\a7\e2%G\f5?\00\88\da\8c\c5>\d2\bf\83E\06B\ff*\f5?\00\90\')\e1\e9\d1\bf\df\bd\b2\db\"\0f\f5?\00\f8H+m\95\d1\bf\d7\de4G\8f\f3\f4?\00\f8\b9\9agA\d1\bf@(\de\cfC\d8\f4?\00\98\ef\94\d0\ed\d0\bf\c8\a3x\c0>\bd\f4?\00\10\db\18\a5\9a\d0\bf\8a%\e0\c3\7f\a2\f4?\00\b8cR\e6G\d0\bf4\84\d4$\05\88\f4?\00\f0\86E\"\eb\cf\bf\0b-\19\1b\cem\f4?\00\b0\17uJG\cf\bfT\189\d3\d9S\f4?\000\10=D\a4\ce\bfZ\84\b4D\':\f4?\00\b0\e9D\r\02\ce\bf\fb\f8\15A\b5 \f4?\00\f0w)\a2`\cd\bf\b1\f4>\da\82\07\f4?\00\90\95\04\01\c0\cc\bf\8f\feW]\8f\ee\f3?\00\10\89V) \cc\bf\e9L\0b\a0\d9\d5\f3?\00\10\81\8d\17\81\cb\bf+\c1\10\c0`\bd\f3?\00\d0\d3\cc\c9\e2\ca\bf\b8\dau+$\a5\f3?\00\90\12.@E\ca\bf\02\d0\9f\cd\"\8d\f3?\00\f0\1dhw\a8\c9\bf\1cz\84\c5[u\f3?\000Him\0c\c9\bf\e26\adI\ce]\f3?\00\c0E\a6 q\c8\bf@\d4M\98yF\f3?\000\14\b4\8f\d6\c7\bf$\cb\ff\ce\\/\f3?\00pb<\b8<\c7\bfI\r\a1uw\18\f3?\00`7\9b\9a\a3\c6\bf\909>7\c8\01\f3?\00\a0\b7T1\0b\c6\bfA\f8\95\bbN\eb\f2?\000$v}s\c5\bf\d1\a9\19\02\n\d5\f2?\000\c2\8f{\dc\c4\bf*\fd\b7\a8\f9\be\f2?\00\00\d2Q,F\c4\bf\ab\1b\0cz\1c\a9\f2?\00\00\83\bc\8a\b0\c3\bf0\b5\14`r\93\f2?\00\00Ik\99\1b\c3\bf\f5\a1WW\fa}\f2?\00@\a4\90T\87\c2\bf\bf;\1d\9b\b3h\f2?\00\a0y\f8\b9\f3\c1\bf\bd\f5\8f\83\9dS\f2?\00\a0,%\c8`\c1\bf;\08\c9\aa\b7>\f2?\00 \f7W\7f\ce\c0\bf\b6@\a9+\01*\f2?\00\a0\feI\dc<\c0\bf2A\cc\96y\15\f2?\00\80K\bc\bdW\bf\bf\9b\fc\d2\1d \01\f2?\00@@\96\087\be\bf\0bHMI\f4\ec\f1?\00@\f9>\98\17\bd\bfie\8fR\f5\d8\f1?\00\a0\d8Ng\f9\bb\bf|~W\11#\c5\f1?\00`/ y\dc\ba\bf\e9&\cbt|\b1\f1?\00\80(\e7\c3\c0\b9\bf\b6\1a,\0c\01\9e\f1?\00\c0r\b3F\a6\b8\bf\bdp\b6{\b0\8a\f1?\00\00\ac\b3\01\8d\b7\bf\b6\bc\ef%\8aw\f1?\00\008E\f1t\b6\bf\da1L5\8dd\f1?\00\80\87m\0e^\b5\bf\dd_\'\90\b9Q\f1?\00\e0\a1\de\\H\b4\bfL\d22\a4\0e?\f1?\00\a0jM\d93\b3\bf\da\f9\10r\8b,\f1?\00`\c5\f8y \b2\bf1\b5\ec(0\1a\f1?\00 b\98F\0e\b1\bf\af4\84\da\fb\07\f1?\00\00\d2jl\fa\af\bf\b3kN\0f\ee\f5\f0?\00@wJ\8d\da\ad\bf\ce\9f*]\06\e4\f0?\00\00\85\e4\ec\bc\ab\bf!\a5,cD\d2\f0?\00\c0\12@\89\a1\a9\bf\1a\98\e2|\a7\c0\f0?\00\c0\023X\88\a7\bf\d16\c6\83/\af\f0?\00\80\d6g^q\a5\bf9\13\a0\98\db\9d\f0?\00\80eI\8a\\\a3\bf\df\e7R\af\ab\8c\f0?\00@\15d\e3I\a1\bf\fb(N/\9f{\f0?\00\80\eb\82\c0r\9e\bf\19\8f5\8c\b5j\f0?\00\80RR\f1U\9a\bf,\f9\ec\a5\eeY\f0?\00\80\81\cfb=\96\bf\90,\d1\cdII\f0?\00\00\aa\8c\fb(\92\bf\a9\ad\f0\c6\c68\f0?\00\00\f9 {1\8c\bf\a92y\13e(\f0?\00\00\aa]5\19\84\bfHs\ea\'$\18\f0?\00\00\ec\c2\03\12x\bf\95\b1\14\06\04\08\f0?\00\00$y\t\04`\bf\1a\fa&\f7\1f\e0\ef?\00\00\90\84\f3\efo?t\eaa\c2\1c\a1\ef?\00\00=5A\dc\87?.\99\81\b0\10c\ef?\00\80\c2\c4\a3\ce\93?\cd\ad\ee<\f6%\ef?\00\00\89\14\c1\9f\9b?\e7\13\91\03\c8\e9\ee?\00\00\11\ce\d8\b0\a1?\ab\b1\cbx\80\ae\ee?\00\c0\01\d0[\8a\a5?\9b\0c\9d\a2\1at\ee?\00\80\d8@\83\\\a9?\b5\99\n\83\91:\ee?\00\80W\efj\'\ad?V\9a`\t\e0\01\ee?\00\c0\98\e5\98u\b0?\98\bbw\e5\01\ca\ed?\00 \r\e3\f5S\b2?\03\91|\0b\f2\92\ed?\00\008\8b\dd.\b4?\ce\\\fbf\ac\\\ed?\00\c0W\87Y\06\b6?\9d\de^\aa,\'\ed?\00\00j5v\da\b7?\cd,k>n\f2\ec?\00`\1cNC\ab\b9?\02y\a7\a2m\be\ec?\00`\r\bb\c7x\bb?m\087m&\8b\ec?\00 \e72\13C\bd?\04X]\bd\94X\ec?\00`\deq1\n\bf?\8c\9f\bb3\b5&\ec?\00@\91+\15g\c0??\e7\ec\ee\83\f5\eb?\00\b0\92\82\85G\c1?\c1\96\dbu\fd\c4\eb?\000\ca\cdn&\c2?(J\86\0c\1e\95\eb?\00P\c5\a6\d7\03\c3?,>\ef\c5\e2e\eb?\00\103<\c3\df\c3?\8b\88\c9gH7\eb?\00\80zk6\ba\c4?J0\1d!K\t\eb?\00\f0\d1(9\93\c5?~\ef\f2\85\e8\db\ea?\00\f0\18$\cdj\c6?\a2=`1\1d\af\ea?\00\90f\ec\f8@\c7?\a7X\d3?\e6\82\ea?\00\f0\1a\f5\c0\15\c8?\8bs\t\ef@W\ea?\00\80\f6T)\e9\c8?\'K\ab\90*,\ea?\00@\f8\026\bb\c9?\d1\f2\93\13\a0\01\ea?\00\00,\1c\ed\8b\ca?\1b<\db$\9f\d7\e9?\00\d0\01\\Q[\cb?\90\b1\c7\05%\ae\e9?\00\c0\bc\ccg)\cc?/\ce\97\f2.\85\e9?\00`H\d55\f6\cc?uK\a4\ee\ba\\\e9?\00\c0F4\bd\c1\cd?8H\e7\9d\c64\e9?\00\e0\cf\b8\01\8c\ce?\e6Rg/O\r\e9?\00\90\17\c0\tU\cf?\9d\d7\ff\8eR\e6\e8?\00\b8\1f\12l\0e\d0?|\00\cc\9f\ce\bf\e8?\00\d0\93\0e\b8q\d0?\0e\c3\be\da\c0\99\e8?\00p\86\9ek\d4\d0?\fb\17#\aa\'t\e8?\00\d0K3\876\d1?\08\9a\b3\ac\00O\e8?\00H#g\r\98\d1?U>e\e8I*\e8?\00\80\cc\e0\ff\f8\d1?`\02\f4\95\01\06\e8?\00hc\d7_Y\d2?)\a3\e0c%\e2\e7?\00\a8\14\t0\b9\d2?\ad\b5\dcw\b3\be\e7?\00`C\10r\18\d3?\c2%\97g\aa\9b\e7?\00\18\ecm&w\d3?W\06\17\f2\07y\e7?\000\af\fbO\d5\d3?\0c\13\d6\db\caV\e7?\00\e0/\e3\ee2\d4?")
 (data $76 (i32.const 5632) "k\b6O\01\00\10\e6?<[B\91l\02~<\95\b4M\03\000\e6?A]\00H\ea\bf\8d<x\d4\94\r\00P\e6?\b7\a5\d6\86\a7\7f\8e<\adoN\07\00p\e6?L%Tk\ea\fca<\ae\0f\df\fe\ff\8f\e6?\fd\0eYL\'~|\bc\bc\c5c\07\00\b0\e6?\01\da\dcHh\c1\8a\bc\f6\c1\\\1e\00\d0\e6?\11\93I\9d\1c?\83<>\f6\05\eb\ff\ef\e6?S-\e2\1a\04\80~\bc\80\97\86\0e\00\10\e7?Ry\tqf\ff{<\12\e9g\fc\ff/\e7?$\87\bd&\e2\00\8c<j\11\81\df\ffO\e7?\d2\01\f1n\91\02n\bc\90\9cg\0f\00p\e7?t\9cT\cdq\fcg\bc5\c8~\fa\ff\8f\e7?\83\04\f5\9e\c1\be\81<\e6\c2 \fe\ff\af\e7?ed\cc)\17~p\bc\00\c9?\ed\ff\cf\e7?\1c\8b{\08r\80\80\bcv\1a&\e9\ff\ef\e7?\ae\f9\9dm(\c0\8d<\e8\a3\9c\04\00\10\e8?3L\e5Q\d2\7f\89<\8f,\93\17\000\e8?\81\f30\b6\e9\fe\8a\bc\9cs3\06\00P\e8?\bc5ek\bf\bf\89<\c6\89B \00p\e8?u{\11\f3e\bf\8b\bc\04y\f5\eb\ff\8f\e8?W\cb=\a2n\00\89\bc\df\04\bc\"\00\b0\e8?\nK\e08\df\00}\bc\8a\1b\0c\e5\ff\cf\e8?\05\9f\ffFq\00\88\bcC\8e\91\fc\ff\ef\e8?8pz\d0{\81\83<\c7_\fa\1e\00\10\e9?\03\b4\dfv\91>\89<\b9{F\13\000\e9?v\02\98KN\80\7f<o\07\ee\e6\ffO\e9?.b\ff\d9\f0~\8f\bc\d1\12<\de\ffo\e9?\ba8&\96\aa\82p\bc\r\8aE\f4\ff\8f\e9?\ef\a8d\91\1b\80\87\bc>.\98\dd\ff\af\e9?7\93Z\8a\e0@\87\bcf\fbI\ed\ff\cf\e9?\00\e0\9b\c1\08\ce?<Q\9c\f1 \00\f0\e9?\n[\88\'\aa?\8a\bc\06\b0E\11\00\10\ea?V\daX\99H\fft<\fa\f6\bb\07\000\ea?\18m+\8a\ab\be\8c<y\1d\97\10\00P\ea?0yx\dd\ca\fe\88<H.\f5\1d\00p\ea?\db\ab\d8=vA\8f\bcR3Y\1c\00\90\ea?\12v\c2\84\02\bf\8e\bcK>O*\00\b0\ea?_?\ff<\04\fdi\bc\d1\1e\ae\d7\ff\cf\ea?\b4p\90\12\e7>\82\bcx\04Q\ee\ff\ef\ea?\a3\de\0e\e0>\06j<[\re\db\ff\0f\eb?\b9\n\1f8\c8\06Z<W\ca\aa\fe\ff/\eb?\1d<#t\1e\01y\bc\dc\ba\95\d9\ffO\eb?\9f*\86h\10\ffy\bc\9ce\9e$\00p\eb?>O\86\d0E\ff\8a<@\16\87\f9\ff\8f\eb?\f9\c3\c2\96w\fe|<O\cb\04\d2\ff\af\eb?\c4+\f2\ee\'\ffc\bcE\\A\d2\ff\cf\eb?!\ea;\ee\b7\ffl\bc\df\tc\f8\ff\ef\eb?\\\0b.\97\03A\81\bcSv\b5\e1\ff\0f\ec?\19j\b7\94d\c1\8b<\e3W\fa\f1\ff/\ec?\ed\c60\8d\ef\fed\bc$\e4\bf\dc\ffO\ec?uG\ec\bch?\84\bc\f7\b9T\ed\ffo\ec?\ec\e0S\f0\a3~\84<\d5\8f\99\eb\ff\8f\ec?\f1\92\f9\8d\06\83s<\9a!%!\00\b0\ec?\04\0e\18d\8e\fdh\bc\9cF\94\dd\ff\cf\ec?r\ea\c7\1c\be~\8e<v\c4\fd\ea\ff\ef\ec?\fe\88\9f\ad9\be\8e<+\f8\9a\16\00\10\ed?qZ\b9\a8\91}u<\1d\f7\0f\r\000\ed?\da\c7pi\90\c1\89<\c4\0fy\ea\ffO\ed?\0c\feX\c57\0eX\bc\e5\87\dc.\00p\ed?D\0f\c1M\d6\80\7f\bc\aa\82\dc!\00\90\ed?\\\\\fd\94\8f|t\bc\83\02k\d8\ff\af\ed?~a!\c5\1d\7f\8c<9Gl)\00\d0\ed?S\b1\ff\b2\9e\01\88<\f5\90D\e5\ff\ef\ed?\89\ccR\c6\d2\00n<\94\f6\ab\cd\ff\0f\ee?\d2i- @\83\7f\bc\dd\c8R\db\ff/\ee?d\08\1b\ca\c1\00{<\ef\16B\f2\ffO\ee?Q\ab\94\b0\a8\ffr<\11^\8a\e8\ffo\ee?Y\be\ef\b1s\f6W\bc\r\ff\9e\11\00\90\ee?\01\c8\0b^\8d\80\84\bcD\17\a5\df\ff\af\ee?\b5 C\d5\06\00x<\a1\7f\12\1a\00\d0\ee?\92\\V`\f8\02P\bc\c4\bc\ba\07\00\f0\ee?\11\e65]D@\85\bc\02\8dz\f5\ff\0f\ef?\05\91\ef91\fbO\bc\c7\8a\e5\1e\000\ef?U\11s\f2\ac\81\8a<\944\82\f5\ffO\ef?C\c7\d7\d4A?\8a<kL\a9\fc\ffo\ef?ux\98\1c\f4\02b\bcA\c4\f9\e1\ff\8f\ef?K\e7w\f4\d1}w<~\e3\e0\d2\ff\af\ef?1\a3|\9a\19\01o\bc\9e\e4w\1c\00\d0\ef?\b1\ac\ceK\ee\81q<1\c3\e0\f7\ff\ef\ef?Z\87p\017\05n\bcn`e\f4\ff\0f\f0?\da\n\1cI\ad~\8a\bcXz\86\f3\ff/\f0?\e0\b2\fc\c3i\7f\97\bc\17\r\fc\fd\ffO\f0?[\94\cb4\fe\bf\97<\82M\cd\03\00p\f0?\cbV\e4\c0\83\00\82<\e8\cb\f2\f9\ff\8f\f0?\1au7\be\df\ffm\bce\da\0c\01\00\b0\f0?\eb&\e6\ae\7f?\91\bc8\d3\a4\01\00\d0\f0?\f7\9fHy\fa}\80<\fd\fd\da\fa\ff\ef\f0?\c0k\d6p\05\04w\bc\96\fd\ba\0b\00\10\f1?b\0bm\84\d4\80\8e<]\f4\e5\fa\ff/\f1?\ef6\fdd\fa\bf\9d<\d9\9a\d5\r\00P\f1?\aeP\12pw\00\9a<\9aU!\0f\00p\f1?\ee\de\e3\e2\f9\fd\8d<&T\'\fc\ff\8f\f1?sr;\dc0\00\91<Y<=\12\00\b0\f1?\88\01\03\80y\7f\99<\b7\9e)\f8\ff\cf\f1?g\8c\9f\ab2\f9e\bc\00\d4\8a\f4\ff\ef\f1?\eb[\a7\9d\bf\7f\93<\a4\86\8b\0c\00\10\f2?\"[\fd\91k\80\9f<\03C\85\03\000\f2?3\bf\9f\eb\c2\ff\93<\84\f6\bc\ff\ffO\f2?r..~\e7\01v<\d9!)\f5\ffo\f2?a\0c\7fv\bb\fc\7f<<:\93\14\00\90\f2?+A\02<\ca\02r\bc\13cU\14\00\b0\f2?\02\1f\f23\82\80\92\bc;R\fe\eb\ff\cf\f2?\f2\dcO8~\ff\88\bc\96\ad\b8\0b\00\f0\f2?\c5A0PQ\ff\85\bc\af\e2z\fb\ff\0f\f3?\9d(^\88q\00\81\bc\7f_\ac\fe\ff/\f3?\15\b7\b7?]\ff\91\bcVg\a6\0c\00P\f3?\bd\82\8b\"\82\7f\95<!\f7\fb\11\00p\f3?\cc\d5\r\c4\ba\00\80<\b9/Y\f9\ff\8f\f3?Q\a7\b2-\9d?\94\bcB\d2\dd\04\00\b0\f3?\e18vpk\7f\85<W\c9\b2\f5\ff\cf\f3?1\12\bf\10:\02z<\18\b4\b0\ea\ff\ef\f3?\b0R\b1fm\7f\98<\f4\af2\15\00\10\f4?$\85\19_7\f8g<)\8bG\17\000\f4?CQ\dcr\e6\01\83<c\b4\95\e7\ffO\f4?Z\89\b2\b8i\ff\89<\e0u\04\e8\ffo\f4?T\f2\c2\9b\b1\c0\95\bc\e7\c1o\ef\ff\8f\f4?r*:\f2\t@\9b<\04\a7\be\e5\ff\af\f4?E}\r\bf\b7\ff\94\bc\de\'\10\17\00\d0\f4?=j\dcqd\c0\99\bc\e2>\f0\0f\00\f0\f4?\1cS\85\0b\89\7f\97<\d1K\dc\12\00\10\f5?6\a4fqe\04`<z\'\05\16\000\f5?\t2#\ce\ce\bf\96\bcLp\db\ec\ffO\f5?\d7\a1\05\05r\02\89\bc\a9T_\ef\ffo\f5?\12d\c9\0e\e6\bf\9b<\12\10\e6\17\00\90\f5?\90\ef\af\81\c5~\88<\92>\c9\03\00\b0\f5?\c0\0c\bf\n\08A\9f\bc\bc\19I\1d\00\d0\f5?)G%\fb*\81\98\bc\89z\b8\e7\ff\ef\f5?\04i\ed\80\b7~\94\bc")
 (export "klSumF32" (func $wasm/kl-div/klSumF32))
 (export "klSumF64" (func $wasm/kl-div/klSumF64))
 (export "klSumChunksF32" (func $wasm/kl-div/klSumChunksF32))
 (export "klSumChunksF64" (func $wasm/kl-div/klSumChunksF64))
 (export "klPointwiseF32" (func $wasm/kl-div/klPointwiseF32))
 (export "klPointwiseF64" (func $wasm/kl-div/klPointwiseF64))
 (export "klBackwardF32" (func $wasm/kl-div/klBackwardF32))
 (export "klBackwardF64" (func $wasm/kl-div/klBackwardF64))
 (export "logitsRowForwardF32" (func $wasm/kl-div/logitsRowForwardF32))
 (export "logitsRowForwardF64" (func $wasm/kl-div/logitsRowForwardF64))
 (export "logitsRowBackwardF32" (func $wasm/kl-div/logitsRowBackwardF32))
 (export "logitsRowBackwardF64" (func $wasm/kl-div/logitsRowBackwardF64))
 (export "memory" (memory $0))
 (func $~lib/math/NativeMath.log (param $0 f64) (result f64)
  (local $1 i64)
  (local $2 i32)
  (local $3 i64)
  (local $4 f64)
  (local $5 f64)
  (local $6 f64)
  (local $7 i32)
  block $~lib/util/math/log_lut|inlined.0 (result f64)
   local.get $0
   i64.reinterpret_f64
   local.tee $1
   i64.const 4606619468846596096
   i64.sub
   i64.const 854320534781952
   i64.lt_u
   if
    local.get $0
    f64.const -1
    f64.add
    local.tee $0
    local.get $0
    f64.mul
    local.tee $4
    local.get $0
    f64.mul
    local.tee $5
    local.get $0
    f64.const -0.24999999999998432
    f64.mul
    f64.const 0.3333333333333352
    f64.add
    local.get $4
    f64.const 0.19999999999320328
    f64.mul
    f64.add
    local.get $5
    local.get $0
    f64.const 0.14285715076560868
    f64.mul
    f64.const -0.16666666669929706
    f64.add
    local.get $4
    f64.const -0.12499997863982555
    f64.mul
    f64.add
    local.get $5
    local.get $0
    f64.const -0.10000486757818193
    f64.mul
    f64.const 0.11110712032936046
    f64.add
    local.get $4
    f64.const 0.09181994006195467
    f64.mul
    f64.add
    local.get $5
    f64.const -0.08328363062289341
    f64.mul
    f64.add
    f64.mul
    f64.add
    f64.mul
    f64.add
    f64.mul
    local.get $0
    local.get $0
    local.get $0
    local.get $0
    f64.const 134217728
    f64.mul
    local.tee $4
    f64.add
    local.get $4
    f64.sub
    local.tee $4
    local.get $4
    f64.mul
    f64.const -0.5
    f64.mul
    local.tee $5
    f64.add
    local.tee $6
    f64.sub
    local.get $5
    f64.add
    local.get $0
    local.get $4
    f64.sub
    f64.const -0.5
    f64.mul
    local.get $4
    local.get $0
    f64.add
    f64.mul
    f64.add
    f64.add
    local.get $6
    f64.add
    br $~lib/util/math/log_lut|inlined.0
   end
   local.get $1
   i64.const 48
   i64.shr_u
   i32.wrap_i64
   local.tee $2
   i32.const 16
   i32.sub
   i32.const 32736
   i32.ge_u
   if
    f64.const -1
    local.get $0
    local.get $0
    f64.mul
    f64.div
    local.get $1
    i64.const 1
    i64.shl
    i64.eqz
    br_if $~lib/util/math/log_lut|inlined.0
    drop
    local.get $0
    local.get $1
    i64.const 9218868437227405312
    i64.eq
    br_if $~lib/util/math/log_lut|inlined.0
    drop
    i32.const 1
    local.get $2
    i32.const 32752
    i32.and
    i32.const 32752
    i32.eq
    local.get $2
    i32.const 32768
    i32.and
    select
    if
     local.get $0
     local.get $0
     f64.sub
     local.tee $0
     local.get $0
     f64.div
     br $~lib/util/math/log_lut|inlined.0
    end
    local.get $0
    f64.const 4503599627370496
    f64.mul
    i64.reinterpret_f64
    i64.const 234187180623265792
    i64.sub
    local.set $1
   end
   local.get $1
   i64.const 4604367669032910848
   i64.sub
   local.tee $3
   i64.const 45
   i64.shr_u
   i64.const 127
   i64.and
   i32.wrap_i64
   i32.const 4
   i32.shl
   local.tee $2
   i32.const 3584
   i32.add
   local.set $7
   local.get $3
   i64.const 52
   i64.shr_s
   f64.convert_i64_s
   local.tee $0
   f64.const 0.6931471805598903
   f64.mul
   local.get $7
   f64.load offset=8
   f64.add
   local.tee $4
   local.get $1
   local.get $3
   i64.const -4503599627370496
   i64.and
   i64.sub
   f64.reinterpret_i64
   local.get $2
   i32.const 5632
   i32.add
   local.tee $2
   f64.load
   f64.sub
   local.get $2
   f64.load offset=8
   f64.sub
   local.get $7
   f64.load
   f64.mul
   local.tee $5
   f64.add
   local.set $6
   local.get $4
   local.get $6
   f64.sub
   local.get $5
   f64.add
   local.get $0
   f64.const 5.497923018708371e-14
   f64.mul
   f64.add
   local.get $5
   local.get $5
   f64.mul
   local.tee $0
   f64.const -0.5000000000000001
   f64.mul
   f64.add
   local.get $5
   local.get $0
   f64.mul
   local.get $5
   f64.const -0.2499999999622955
   f64.mul
   f64.const 0.33333333331825593
   f64.add
   local.get $0
   local.get $5
   f64.const -0.16667054827627667
   f64.mul
   f64.const 0.20000304511814496
   f64.add
   f64.mul
   f64.add
   f64.mul
   f64.add
   local.get $6
   f64.add
  end
 )
 (func $~lib/math/NativeMath.exp (param $0 f64) (result f64)
  (local $1 i32)
  (local $2 i64)
  (local $3 f64)
  (local $4 f64)
  (local $5 i32)
  (local $6 i64)
  (local $7 f64)
  (local $8 f64)
  block $~lib/util/math/exp_lut|inlined.0 (result f64)
   local.get $0
   i64.reinterpret_f64
   local.tee $2
   i64.const 52
   i64.shr_u
   i32.wrap_i64
   i32.const 2047
   i32.and
   local.tee $1
   i32.const 969
   i32.sub
   local.tee $5
   i32.const 63
   i32.ge_u
   if
    f64.const 1
    local.get $5
    i32.const -2147483648
    i32.ge_u
    br_if $~lib/util/math/exp_lut|inlined.0
    drop
    local.get $1
    i32.const 1033
    i32.ge_u
    if
     f64.const 0
     local.get $2
     i64.const -4503599627370496
     i64.eq
     br_if $~lib/util/math/exp_lut|inlined.0
     drop
     local.get $0
     f64.const 1
     f64.add
     local.get $1
     i32.const 2047
     i32.ge_u
     br_if $~lib/util/math/exp_lut|inlined.0
     drop
     f64.const 0
     f64.const inf
     local.get $2
     i64.const 0
     i64.lt_s
     select
     br $~lib/util/math/exp_lut|inlined.0
    end
    i32.const 0
    local.set $1
   end
   local.get $0
   f64.const 184.6649652337873
   f64.mul
   f64.const 6755399441055744
   f64.add
   local.tee $3
   i64.reinterpret_f64
   local.tee $2
   i64.const 127
   i64.and
   i64.const 1
   i64.shl
   i32.wrap_i64
   i32.const 3
   i32.shl
   i32.const 1536
   i32.add
   local.tee $5
   i64.load offset=8
   local.get $2
   i64.const 45
   i64.shl
   i64.add
   local.set $6
   local.get $0
   local.get $3
   f64.const -6755399441055744
   f64.add
   local.tee $0
   f64.const -0.005415212348111709
   f64.mul
   f64.add
   local.get $0
   f64.const -1.2864023111638346e-14
   f64.mul
   f64.add
   local.tee $0
   local.get $0
   f64.mul
   local.set $3
   local.get $5
   f64.load
   local.get $0
   f64.add
   local.get $3
   local.get $0
   f64.const 0.16666666666665886
   f64.mul
   f64.const 0.49999999999996786
   f64.add
   f64.mul
   f64.add
   local.get $3
   local.get $3
   f64.mul
   local.get $0
   f64.const 0.008333335853059549
   f64.mul
   f64.const 0.0416666808410674
   f64.add
   f64.mul
   f64.add
   local.set $0
   local.get $1
   i32.eqz
   if
    block $~lib/util/math/specialcase|inlined.0 (result f64)
     local.get $2
     i64.const 2147483648
     i64.and
     i64.eqz
     if
      local.get $6
      i64.const 4544132024016830464
      i64.sub
      f64.reinterpret_i64
      local.tee $3
      local.get $3
      local.get $0
      f64.mul
      f64.add
      f64.const 5486124068793688683255936e279
      f64.mul
      br $~lib/util/math/specialcase|inlined.0
     end
     local.get $6
     i64.const 4602678819172646912
     i64.add
     local.tee $2
     f64.reinterpret_i64
     local.tee $4
     local.get $0
     f64.mul
     local.set $7
     local.get $4
     local.get $7
     f64.add
     local.tee $8
     f64.abs
     f64.const 1
     f64.lt
     if (result f64)
      local.get $2
      i64.const -9223372036854775808
      i64.and
      f64.reinterpret_i64
      f64.const 1
      local.get $8
      f64.copysign
      local.tee $0
      local.get $8
      f64.add
      local.tee $3
      local.get $0
      local.get $3
      f64.sub
      local.get $8
      f64.add
      local.get $4
      local.get $8
      f64.sub
      local.get $7
      f64.add
      f64.add
      f64.add
      local.get $0
      f64.sub
      local.tee $0
      local.get $0
      f64.const 0
      f64.eq
      select
     else
      local.get $8
     end
     f64.const 2.2250738585072014e-308
     f64.mul
    end
    br $~lib/util/math/exp_lut|inlined.0
   end
   local.get $6
   f64.reinterpret_i64
   local.tee $3
   local.get $3
   local.get $0
   f64.mul
   f64.add
  end
 )
 (func $wasm/sum/klSum<f64> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result f64)
  (local $4 v128)
  (local $5 f64)
  (local $6 v128)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 v128)
  (local $13 f64)
  (local $14 v128)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  (local $22 v128)
  (local $23 v128)
  (local $24 v128)
  (local $25 f64)
  local.get $0
  i32.const -8
  i32.and
  local.set $10
  loop $for-loop|0
   local.get $7
   local.get $10
   i32.lt_s
   if
    local.get $7
    i32.const 3
    i32.shl
    local.tee $9
    local.get $2
    i32.add
    local.tee $8
    v128.load
    local.set $14
    local.get $8
    v128.load offset=16
    local.set $15
    local.get $8
    v128.load offset=32
    local.set $16
    local.get $8
    v128.load offset=48
    local.set $6
    block $for-continue|0
     local.get $3
     i32.eqz
     if
      local.get $14
      i32.const 1496
      v128.load64_splat
      local.tee $12
      i64x2.lt_s
      local.get $14
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      local.get $15
      local.get $12
      i64x2.lt_s
      local.get $15
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      v128.or
      local.get $16
      local.get $12
      i64x2.lt_s
      local.get $16
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      local.get $6
      local.get $12
      i64x2.lt_s
      local.get $6
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      v128.or
      v128.or
      v128.any_true
      if
       i32.const 0
       local.set $8
       loop $for-loop|1
        local.get $8
        i32.const 8
        i32.lt_s
        if
         local.get $9
         local.get $8
         i32.const 3
         i32.shl
         i32.add
         local.tee $11
         local.get $1
         i32.add
         f64.load
         local.set $13
         local.get $5
         local.get $2
         local.get $11
         i32.add
         f64.load
         local.tee $5
         f64.const 0
         f64.eq
         if (result f64)
          f64.const 0
         else
          local.get $5
          local.get $5
          call $~lib/math/NativeMath.log
          f64.mul
         end
         local.get $5
         local.get $13
         f64.mul
         f64.sub
         f64.add
         local.set $5
         local.get $8
         i32.const 1
         i32.add
         local.set $8
         br $for-loop|1
        end
       end
       br $for-continue|0
      end
     end
     local.get $1
     local.get $9
     i32.add
     local.tee $8
     v128.load
     local.set $17
     local.get $8
     v128.load offset=16
     local.set $18
     local.get $8
     v128.load offset=32
     local.set $12
     local.get $8
     v128.load offset=48
     local.set $19
     local.get $4
     block $wasm/loss/Loss.of<f64>|inlined.0 (result v128)
      local.get $3
      if
       local.get $14
       i32.const 1032
       v128.load64_splat
       local.tee $4
       f64x2.pmin
       i32.const 1064
       v128.load64_splat
       f64x2.pmax
       local.tee $20
       i32.const 1080
       v128.load64_splat
       f64x2.mul
       i32.const 1096
       v128.load64_splat
       local.tee $21
       f64x2.add
       local.tee $22
       local.get $21
       f64x2.sub
       local.set $21
       local.get $20
       local.get $21
       i32.const 1112
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.get $21
       i32.const 1128
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.tee $21
       local.get $21
       f64x2.mul
       local.tee $23
       local.get $23
       f64x2.mul
       local.set $24
       i32.const 1048
       v128.load64_splat
       block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.0" (result v128)
        i32.const 1232
        v128.load64_splat
        local.get $21
        f64x2.add
        local.get $23
        i32.const 1240
        v128.load64_splat
        i32.const 1248
        v128.load64_splat
        local.get $21
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $24
        i32.const 1256
        v128.load64_splat
        i32.const 1264
        v128.load64_splat
        local.get $21
        f64x2.mul
        f64x2.add
        local.get $23
        i32.const 1272
        v128.load64_splat
        i32.const 1280
        v128.load64_splat
        local.get $21
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $24
        local.get $24
        f64x2.mul
        i32.const 1288
        v128.load64_splat
        i32.const 1296
        v128.load64_splat
        local.get $21
        f64x2.mul
        f64x2.add
        local.get $23
        i32.const 1304
        v128.load64_splat
        i32.const 1312
        v128.load64_splat
        local.get $21
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $24
        i32.const 1320
        v128.load64_splat
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.tee $21
        local.get $22
        i32.const 1144
        v128.load64_splat
        v128.and
        i32.const 1160
        v128.load64_splat
        i64x2.sub
        local.tee $22
        i32.const 1176
        v128.load64_splat
        local.tee $23
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $20
        i32.const 1192
        v128.load64_splat
        f64x2.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.0"
        drop
        local.get $21
        local.get $22
        i32.const 1
        i64x2.shr_s
        local.tee $20
        local.get $23
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $22
        local.get $20
        i64x2.sub
        local.get $23
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
       end
       local.get $14
       local.get $4
       f64x2.gt
       v128.bitselect
       local.get $14
       local.get $17
       f64x2.sub
       f64x2.mul
       br $wasm/loss/Loss.of<f64>|inlined.0
      end
      local.get $14
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $4
      local.get $4
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $20
      local.get $14
      local.get $4
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $4
      i32.const 1400
      v128.load64_splat
      local.get $4
      f64x2.add
      f64x2.div
      local.tee $21
      local.get $21
      f64x2.mul
      local.tee $22
      local.get $22
      f64x2.mul
      local.set $23
      local.get $14
      local.get $20
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $4
      f64x2.mul
      local.get $4
      f64x2.mul
      local.tee $24
      local.get $21
      local.get $24
      local.get $22
      local.get $23
      local.get $23
      local.get $23
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $23
      local.get $23
      local.get $23
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $20
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $4
      f64x2.sub
      f64x2.sub
      f64x2.mul
      local.get $14
      local.get $17
      f64x2.mul
      f64x2.sub
     end
     block $wasm/loss/Loss.of<f64>|inlined.1 (result v128)
      local.get $3
      if
       local.get $15
       i32.const 1032
       v128.load64_splat
       local.tee $4
       f64x2.pmin
       i32.const 1064
       v128.load64_splat
       f64x2.pmax
       local.tee $14
       i32.const 1080
       v128.load64_splat
       f64x2.mul
       i32.const 1096
       v128.load64_splat
       local.tee $17
       f64x2.add
       local.tee $20
       local.get $17
       f64x2.sub
       local.set $17
       local.get $14
       local.get $17
       i32.const 1112
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.get $17
       i32.const 1128
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.tee $17
       local.get $17
       f64x2.mul
       local.tee $21
       local.get $21
       f64x2.mul
       local.set $22
       i32.const 1048
       v128.load64_splat
       block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.1" (result v128)
        i32.const 1232
        v128.load64_splat
        local.get $17
        f64x2.add
        local.get $21
        i32.const 1240
        v128.load64_splat
        i32.const 1248
        v128.load64_splat
        local.get $17
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        i32.const 1256
        v128.load64_splat
        i32.const 1264
        v128.load64_splat
        local.get $17
        f64x2.mul
        f64x2.add
        local.get $21
        i32.const 1272
        v128.load64_splat
        i32.const 1280
        v128.load64_splat
        local.get $17
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        local.get $22
        f64x2.mul
        i32.const 1288
        v128.load64_splat
        i32.const 1296
        v128.load64_splat
        local.get $17
        f64x2.mul
        f64x2.add
        local.get $21
        i32.const 1304
        v128.load64_splat
        i32.const 1312
        v128.load64_splat
        local.get $17
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        i32.const 1320
        v128.load64_splat
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.tee $17
        local.get $20
        i32.const 1144
        v128.load64_splat
        v128.and
        i32.const 1160
        v128.load64_splat
        i64x2.sub
        local.tee $20
        i32.const 1176
        v128.load64_splat
        local.tee $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $14
        i32.const 1192
        v128.load64_splat
        f64x2.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.1"
        drop
        local.get $17
        local.get $20
        i32.const 1
        i64x2.shr_s
        local.tee $14
        local.get $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $20
        local.get $14
        i64x2.sub
        local.get $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
       end
       local.get $15
       local.get $4
       f64x2.gt
       v128.bitselect
       local.get $15
       local.get $18
       f64x2.sub
       f64x2.mul
       br $wasm/loss/Loss.of<f64>|inlined.1
      end
      local.get $15
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $4
      local.get $4
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $14
      local.get $15
      local.get $4
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $4
      i32.const 1400
      v128.load64_splat
      local.get $4
      f64x2.add
      f64x2.div
      local.tee $17
      local.get $17
      f64x2.mul
      local.tee $20
      local.get $20
      f64x2.mul
      local.set $21
      local.get $15
      local.get $14
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $4
      f64x2.mul
      local.get $4
      f64x2.mul
      local.tee $22
      local.get $17
      local.get $22
      local.get $20
      local.get $21
      local.get $21
      local.get $21
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $21
      local.get $21
      local.get $21
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $14
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $4
      f64x2.sub
      f64x2.sub
      f64x2.mul
      local.get $15
      local.get $18
      f64x2.mul
      f64x2.sub
     end
     f64x2.add
     block $wasm/loss/Loss.of<f64>|inlined.2 (result v128)
      local.get $3
      if
       local.get $16
       i32.const 1032
       v128.load64_splat
       local.tee $4
       f64x2.pmin
       i32.const 1064
       v128.load64_splat
       f64x2.pmax
       local.tee $14
       i32.const 1080
       v128.load64_splat
       f64x2.mul
       i32.const 1096
       v128.load64_splat
       local.tee $15
       f64x2.add
       local.tee $17
       local.get $15
       f64x2.sub
       local.set $15
       local.get $14
       local.get $15
       i32.const 1112
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.get $15
       i32.const 1128
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.tee $15
       local.get $15
       f64x2.mul
       local.tee $18
       local.get $18
       f64x2.mul
       local.set $20
       i32.const 1048
       v128.load64_splat
       block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.2" (result v128)
        i32.const 1232
        v128.load64_splat
        local.get $15
        f64x2.add
        local.get $18
        i32.const 1240
        v128.load64_splat
        i32.const 1248
        v128.load64_splat
        local.get $15
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $20
        i32.const 1256
        v128.load64_splat
        i32.const 1264
        v128.load64_splat
        local.get $15
        f64x2.mul
        f64x2.add
        local.get $18
        i32.const 1272
        v128.load64_splat
        i32.const 1280
        v128.load64_splat
        local.get $15
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $20
        local.get $20
        f64x2.mul
        i32.const 1288
        v128.load64_splat
        i32.const 1296
        v128.load64_splat
        local.get $15
        f64x2.mul
        f64x2.add
        local.get $18
        i32.const 1304
        v128.load64_splat
        i32.const 1312
        v128.load64_splat
        local.get $15
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $20
        i32.const 1320
        v128.load64_splat
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.tee $15
        local.get $17
        i32.const 1144
        v128.load64_splat
        v128.and
        i32.const 1160
        v128.load64_splat
        i64x2.sub
        local.tee $17
        i32.const 1176
        v128.load64_splat
        local.tee $18
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $14
        i32.const 1192
        v128.load64_splat
        f64x2.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.2"
        drop
        local.get $15
        local.get $17
        i32.const 1
        i64x2.shr_s
        local.tee $14
        local.get $18
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $17
        local.get $14
        i64x2.sub
        local.get $18
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
       end
       local.get $16
       local.get $4
       f64x2.gt
       v128.bitselect
       local.get $16
       local.get $12
       f64x2.sub
       f64x2.mul
       br $wasm/loss/Loss.of<f64>|inlined.2
      end
      local.get $16
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $4
      local.get $4
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $14
      local.get $16
      local.get $4
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $4
      i32.const 1400
      v128.load64_splat
      local.get $4
      f64x2.add
      f64x2.div
      local.tee $15
      local.get $15
      f64x2.mul
      local.tee $17
      local.get $17
      f64x2.mul
      local.set $18
      local.get $16
      local.get $14
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $4
      f64x2.mul
      local.get $4
      f64x2.mul
      local.tee $20
      local.get $15
      local.get $20
      local.get $17
      local.get $18
      local.get $18
      local.get $18
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $18
      local.get $18
      local.get $18
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $14
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $4
      f64x2.sub
      f64x2.sub
      f64x2.mul
      local.get $16
      local.get $12
      f64x2.mul
      f64x2.sub
     end
     block $wasm/loss/Loss.of<f64>|inlined.3 (result v128)
      local.get $3
      if
       local.get $6
       i32.const 1032
       v128.load64_splat
       local.tee $4
       f64x2.pmin
       i32.const 1064
       v128.load64_splat
       f64x2.pmax
       local.tee $12
       i32.const 1080
       v128.load64_splat
       f64x2.mul
       i32.const 1096
       v128.load64_splat
       local.tee $14
       f64x2.add
       local.tee $15
       local.get $14
       f64x2.sub
       local.set $14
       local.get $12
       local.get $14
       i32.const 1112
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.get $14
       i32.const 1128
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.tee $14
       local.get $14
       f64x2.mul
       local.tee $16
       local.get $16
       f64x2.mul
       local.set $17
       i32.const 1048
       v128.load64_splat
       block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.3" (result v128)
        i32.const 1232
        v128.load64_splat
        local.get $14
        f64x2.add
        local.get $16
        i32.const 1240
        v128.load64_splat
        i32.const 1248
        v128.load64_splat
        local.get $14
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $17
        i32.const 1256
        v128.load64_splat
        i32.const 1264
        v128.load64_splat
        local.get $14
        f64x2.mul
        f64x2.add
        local.get $16
        i32.const 1272
        v128.load64_splat
        i32.const 1280
        v128.load64_splat
        local.get $14
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $17
        local.get $17
        f64x2.mul
        i32.const 1288
        v128.load64_splat
        i32.const 1296
        v128.load64_splat
        local.get $14
        f64x2.mul
        f64x2.add
        local.get $16
        i32.const 1304
        v128.load64_splat
        i32.const 1312
        v128.load64_splat
        local.get $14
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $17
        i32.const 1320
        v128.load64_splat
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.tee $14
        local.get $15
        i32.const 1144
        v128.load64_splat
        v128.and
        i32.const 1160
        v128.load64_splat
        i64x2.sub
        local.tee $15
        i32.const 1176
        v128.load64_splat
        local.tee $16
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $12
        i32.const 1192
        v128.load64_splat
        f64x2.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.3"
        drop
        local.get $14
        local.get $15
        i32.const 1
        i64x2.shr_s
        local.tee $12
        local.get $16
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $15
        local.get $12
        i64x2.sub
        local.get $16
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
       end
       local.get $6
       local.get $4
       f64x2.gt
       v128.bitselect
       local.get $6
       local.get $19
       f64x2.sub
       f64x2.mul
       br $wasm/loss/Loss.of<f64>|inlined.3
      end
      local.get $6
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $4
      local.get $4
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $12
      local.get $6
      local.get $4
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $4
      i32.const 1400
      v128.load64_splat
      local.get $4
      f64x2.add
      f64x2.div
      local.tee $14
      local.get $14
      f64x2.mul
      local.tee $15
      local.get $15
      f64x2.mul
      local.set $16
      local.get $6
      local.get $12
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $4
      f64x2.mul
      local.get $4
      f64x2.mul
      local.tee $17
      local.get $14
      local.get $17
      local.get $15
      local.get $16
      local.get $16
      local.get $16
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $16
      local.get $16
      local.get $16
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $12
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $4
      f64x2.sub
      f64x2.sub
      f64x2.mul
      local.get $6
      local.get $19
      f64x2.mul
      f64x2.sub
     end
     f64x2.add
     f64x2.add
     f64x2.add
     local.set $4
    end
    local.get $7
    i32.const 8
    i32.add
    local.set $7
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $7
   i32.gt_s
   if
    local.get $7
    i32.const 3
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f64.load
    local.set $25
    local.get $2
    local.get $8
    i32.add
    f64.load
    local.set $13
    local.get $5
    block $wasm/loss/Loss.scalar|inlined.3 (result f64)
     local.get $3
     if
      local.get $13
      call $~lib/math/NativeMath.exp
      local.get $13
      local.get $25
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.3
     end
     local.get $13
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $13
      local.get $13
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $13
     local.get $25
     f64.mul
     f64.sub
    end
    f64.add
    local.set $5
    local.get $7
    i32.const 1
    i32.add
    local.set $7
    br $for-loop|2
   end
  end
  local.get $4
  f64x2.extract_lane 0
  local.get $4
  f64x2.extract_lane 1
  f64.add
  local.get $5
  f64.add
 )
 (func $wasm/sum/klSum<f32> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result f64)
  (local $4 v128)
  (local $5 v128)
  (local $6 f64)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 v128)
  (local $13 f64)
  (local $14 v128)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  (local $22 v128)
  (local $23 v128)
  (local $24 f64)
  local.get $0
  i32.const -16
  i32.and
  local.set $10
  loop $for-loop|0
   local.get $7
   local.get $10
   i32.lt_s
   if
    local.get $7
    i32.const 2
    i32.shl
    local.tee $9
    local.get $2
    i32.add
    local.tee $8
    v128.load
    local.set $14
    local.get $8
    v128.load offset=16
    local.set $15
    local.get $8
    v128.load offset=32
    local.set $16
    local.get $8
    v128.load offset=48
    local.set $5
    block $for-continue|0
     local.get $3
     if (result i32)
      i32.const 0
     else
      local.get $14
      local.get $15
      i32x4.min_s
      local.get $16
      local.get $5
      i32x4.min_s
      i32x4.min_s
      i32.const 1528
      v128.load32_splat
      i32x4.lt_s
      v128.any_true
     end
     if
      local.get $14
      i32.const 1488
      v128.load32_splat
      local.tee $12
      i32x4.lt_s
      local.get $14
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      local.get $15
      local.get $12
      i32x4.lt_s
      local.get $15
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      v128.or
      local.get $16
      local.get $12
      i32x4.lt_s
      local.get $16
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      local.get $5
      local.get $12
      i32x4.lt_s
      local.get $5
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      v128.or
      v128.or
      v128.any_true
      if
       i32.const 0
       local.set $8
       loop $for-loop|1
        local.get $8
        i32.const 16
        i32.lt_s
        if
         local.get $9
         local.get $8
         i32.const 2
         i32.shl
         i32.add
         local.tee $11
         local.get $1
         i32.add
         f32.load
         f64.promote_f32
         local.set $13
         local.get $6
         local.get $2
         local.get $11
         i32.add
         f32.load
         f64.promote_f32
         local.tee $6
         f64.const 0
         f64.eq
         if (result f64)
          f64.const 0
         else
          local.get $6
          local.get $6
          call $~lib/math/NativeMath.log
          f64.mul
         end
         local.get $6
         local.get $13
         f64.mul
         f64.sub
         f64.add
         local.set $6
         local.get $8
         i32.const 1
         i32.add
         local.set $8
         br $for-loop|1
        end
       end
       br $for-continue|0
      end
     end
     local.get $1
     local.get $9
     i32.add
     local.tee $8
     v128.load
     local.set $17
     local.get $8
     v128.load offset=16
     local.set $18
     local.get $8
     v128.load offset=32
     local.set $12
     local.get $8
     v128.load offset=48
     local.set $19
     local.get $4
     block $wasm/loss/Loss.of<f32>|inlined.0 (result v128)
      local.get $3
      if
       local.get $14
       i32.const 1024
       v128.load32_splat
       local.tee $4
       f32x4.pmin
       i32.const 1056
       v128.load32_splat
       f32x4.pmax
       local.tee $20
       i32.const 1072
       v128.load32_splat
       f32x4.mul
       i32.const 1088
       v128.load32_splat
       local.tee $21
       f32x4.add
       local.tee $22
       local.get $21
       f32x4.sub
       local.set $21
       local.get $20
       local.get $21
       i32.const 1104
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.get $21
       i32.const 1120
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.tee $21
       local.get $21
       f32x4.mul
       local.set $23
       i32.const 1040
       v128.load32_splat
       block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.0" (result v128)
        i32.const 1200
        v128.load32_splat
        local.get $21
        f32x4.mul
        i32.const 1204
        v128.load32_splat
        f32x4.add
        local.get $23
        i32.const 1208
        v128.load32_splat
        local.get $21
        f32x4.mul
        i32.const 1212
        v128.load32_splat
        f32x4.add
        local.get $23
        i32.const 1216
        v128.load32_splat
        local.get $21
        f32x4.mul
        i32.const 1220
        v128.load32_splat
        f32x4.add
        f32x4.mul
        f32x4.add
        f32x4.mul
        f32x4.add
        local.get $23
        f32x4.mul
        local.get $21
        f32x4.add
        i32.const 1224
        v128.load32_splat
        f32x4.add
        local.tee $21
        local.get $22
        i32.const 1136
        v128.load32_splat
        v128.and
        i32.const 1152
        v128.load32_splat
        i32x4.sub
        local.tee $22
        i32.const 1168
        v128.load32_splat
        local.tee $23
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $20
        i32.const 1184
        v128.load32_splat
        f32x4.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.0"
        drop
        local.get $21
        local.get $22
        i32.const 1
        i32x4.shr_s
        local.tee $20
        local.get $23
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $22
        local.get $20
        i32x4.sub
        local.get $23
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
       end
       local.get $14
       local.get $4
       f32x4.gt
       v128.bitselect
       local.get $14
       local.get $17
       f32x4.sub
       f32x4.mul
       br $wasm/loss/Loss.of<f32>|inlined.0
      end
      local.get $14
      local.get $14
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $4
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $20
      local.get $20
      f32x4.mul
      local.tee $21
      local.get $21
      f32x4.mul
      local.set $22
      local.get $14
      local.get $20
      local.get $20
      local.get $21
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $20
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $21
      i32.const 1344
      v128.load32_splat
      local.get $20
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $22
      i32.const 1352
      v128.load32_splat
      local.get $20
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $21
      i32.const 1360
      v128.load32_splat
      local.get $20
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $22
      local.get $22
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $21
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $4
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $14
      local.get $17
      f32x4.mul
      f32x4.sub
     end
     local.tee $4
     f64x2.promote_low_f32x4
     local.get $4
     local.get $4
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     block $wasm/loss/Loss.of<f32>|inlined.1 (result v128)
      local.get $3
      if
       local.get $15
       i32.const 1024
       v128.load32_splat
       local.tee $4
       f32x4.pmin
       i32.const 1056
       v128.load32_splat
       f32x4.pmax
       local.tee $14
       i32.const 1072
       v128.load32_splat
       f32x4.mul
       i32.const 1088
       v128.load32_splat
       local.tee $17
       f32x4.add
       local.tee $20
       local.get $17
       f32x4.sub
       local.set $17
       local.get $14
       local.get $17
       i32.const 1104
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.get $17
       i32.const 1120
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.tee $17
       local.get $17
       f32x4.mul
       local.set $21
       i32.const 1040
       v128.load32_splat
       block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.1" (result v128)
        i32.const 1200
        v128.load32_splat
        local.get $17
        f32x4.mul
        i32.const 1204
        v128.load32_splat
        f32x4.add
        local.get $21
        i32.const 1208
        v128.load32_splat
        local.get $17
        f32x4.mul
        i32.const 1212
        v128.load32_splat
        f32x4.add
        local.get $21
        i32.const 1216
        v128.load32_splat
        local.get $17
        f32x4.mul
        i32.const 1220
        v128.load32_splat
        f32x4.add
        f32x4.mul
        f32x4.add
        f32x4.mul
        f32x4.add
        local.get $21
        f32x4.mul
        local.get $17
        f32x4.add
        i32.const 1224
        v128.load32_splat
        f32x4.add
        local.tee $17
        local.get $20
        i32.const 1136
        v128.load32_splat
        v128.and
        i32.const 1152
        v128.load32_splat
        i32x4.sub
        local.tee $20
        i32.const 1168
        v128.load32_splat
        local.tee $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $14
        i32.const 1184
        v128.load32_splat
        f32x4.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.1"
        drop
        local.get $17
        local.get $20
        i32.const 1
        i32x4.shr_s
        local.tee $14
        local.get $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $20
        local.get $14
        i32x4.sub
        local.get $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
       end
       local.get $15
       local.get $4
       f32x4.gt
       v128.bitselect
       local.get $15
       local.get $18
       f32x4.sub
       f32x4.mul
       br $wasm/loss/Loss.of<f32>|inlined.1
      end
      local.get $15
      local.get $15
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $4
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $14
      local.get $14
      f32x4.mul
      local.tee $17
      local.get $17
      f32x4.mul
      local.set $20
      local.get $15
      local.get $14
      local.get $14
      local.get $17
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $17
      i32.const 1344
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $20
      i32.const 1352
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $17
      i32.const 1360
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $20
      local.get $20
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $17
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $4
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $15
      local.get $18
      f32x4.mul
      f32x4.sub
     end
     local.tee $4
     f64x2.promote_low_f32x4
     local.get $4
     local.get $4
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     block $wasm/loss/Loss.of<f32>|inlined.2 (result v128)
      local.get $3
      if
       local.get $16
       i32.const 1024
       v128.load32_splat
       local.tee $4
       f32x4.pmin
       i32.const 1056
       v128.load32_splat
       f32x4.pmax
       local.tee $14
       i32.const 1072
       v128.load32_splat
       f32x4.mul
       i32.const 1088
       v128.load32_splat
       local.tee $15
       f32x4.add
       local.tee $17
       local.get $15
       f32x4.sub
       local.set $15
       local.get $14
       local.get $15
       i32.const 1104
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.get $15
       i32.const 1120
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.tee $15
       local.get $15
       f32x4.mul
       local.set $18
       i32.const 1040
       v128.load32_splat
       block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.2" (result v128)
        i32.const 1200
        v128.load32_splat
        local.get $15
        f32x4.mul
        i32.const 1204
        v128.load32_splat
        f32x4.add
        local.get $18
        i32.const 1208
        v128.load32_splat
        local.get $15
        f32x4.mul
        i32.const 1212
        v128.load32_splat
        f32x4.add
        local.get $18
        i32.const 1216
        v128.load32_splat
        local.get $15
        f32x4.mul
        i32.const 1220
        v128.load32_splat
        f32x4.add
        f32x4.mul
        f32x4.add
        f32x4.mul
        f32x4.add
        local.get $18
        f32x4.mul
        local.get $15
        f32x4.add
        i32.const 1224
        v128.load32_splat
        f32x4.add
        local.tee $15
        local.get $17
        i32.const 1136
        v128.load32_splat
        v128.and
        i32.const 1152
        v128.load32_splat
        i32x4.sub
        local.tee $17
        i32.const 1168
        v128.load32_splat
        local.tee $18
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $14
        i32.const 1184
        v128.load32_splat
        f32x4.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.2"
        drop
        local.get $15
        local.get $17
        i32.const 1
        i32x4.shr_s
        local.tee $14
        local.get $18
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $17
        local.get $14
        i32x4.sub
        local.get $18
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
       end
       local.get $16
       local.get $4
       f32x4.gt
       v128.bitselect
       local.get $16
       local.get $12
       f32x4.sub
       f32x4.mul
       br $wasm/loss/Loss.of<f32>|inlined.2
      end
      local.get $16
      local.get $16
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $4
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $14
      local.get $14
      f32x4.mul
      local.tee $15
      local.get $15
      f32x4.mul
      local.set $17
      local.get $16
      local.get $14
      local.get $14
      local.get $15
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $15
      i32.const 1344
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $17
      i32.const 1352
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $15
      i32.const 1360
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $17
      local.get $17
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $15
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $4
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $16
      local.get $12
      f32x4.mul
      f32x4.sub
     end
     local.tee $4
     f64x2.promote_low_f32x4
     local.get $4
     local.get $4
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     block $wasm/loss/Loss.of<f32>|inlined.3 (result v128)
      local.get $3
      if
       local.get $5
       i32.const 1024
       v128.load32_splat
       local.tee $4
       f32x4.pmin
       i32.const 1056
       v128.load32_splat
       f32x4.pmax
       local.tee $12
       i32.const 1072
       v128.load32_splat
       f32x4.mul
       i32.const 1088
       v128.load32_splat
       local.tee $14
       f32x4.add
       local.tee $15
       local.get $14
       f32x4.sub
       local.set $14
       local.get $12
       local.get $14
       i32.const 1104
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.get $14
       i32.const 1120
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.tee $14
       local.get $14
       f32x4.mul
       local.set $16
       i32.const 1040
       v128.load32_splat
       block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.3" (result v128)
        i32.const 1200
        v128.load32_splat
        local.get $14
        f32x4.mul
        i32.const 1204
        v128.load32_splat
        f32x4.add
        local.get $16
        i32.const 1208
        v128.load32_splat
        local.get $14
        f32x4.mul
        i32.const 1212
        v128.load32_splat
        f32x4.add
        local.get $16
        i32.const 1216
        v128.load32_splat
        local.get $14
        f32x4.mul
        i32.const 1220
        v128.load32_splat
        f32x4.add
        f32x4.mul
        f32x4.add
        f32x4.mul
        f32x4.add
        local.get $16
        f32x4.mul
        local.get $14
        f32x4.add
        i32.const 1224
        v128.load32_splat
        f32x4.add
        local.tee $14
        local.get $15
        i32.const 1136
        v128.load32_splat
        v128.and
        i32.const 1152
        v128.load32_splat
        i32x4.sub
        local.tee $15
        i32.const 1168
        v128.load32_splat
        local.tee $16
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $12
        i32.const 1184
        v128.load32_splat
        f32x4.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.3"
        drop
        local.get $14
        local.get $15
        i32.const 1
        i32x4.shr_s
        local.tee $12
        local.get $16
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $15
        local.get $12
        i32x4.sub
        local.get $16
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
       end
       local.get $5
       local.get $4
       f32x4.gt
       v128.bitselect
       local.get $5
       local.get $19
       f32x4.sub
       f32x4.mul
       br $wasm/loss/Loss.of<f32>|inlined.3
      end
      local.get $5
      local.get $5
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $4
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $12
      local.get $12
      f32x4.mul
      local.tee $14
      local.get $14
      f32x4.mul
      local.set $15
      local.get $5
      local.get $12
      local.get $12
      local.get $14
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $12
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $14
      i32.const 1344
      v128.load32_splat
      local.get $12
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $15
      i32.const 1352
      v128.load32_splat
      local.get $12
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $14
      i32.const 1360
      v128.load32_splat
      local.get $12
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $15
      local.get $15
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $14
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $4
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $5
      local.get $19
      f32x4.mul
      f32x4.sub
     end
     local.tee $4
     f64x2.promote_low_f32x4
     local.get $4
     local.get $4
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $4
    end
    local.get $7
    i32.const 16
    i32.add
    local.set $7
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $7
   i32.gt_s
   if
    local.get $7
    i32.const 2
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f32.load
    f64.promote_f32
    local.set $24
    local.get $2
    local.get $8
    i32.add
    f32.load
    f64.promote_f32
    local.set $13
    local.get $6
    block $wasm/loss/Loss.scalar|inlined.1 (result f64)
     local.get $3
     if
      local.get $13
      call $~lib/math/NativeMath.exp
      local.get $13
      local.get $24
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.1
     end
     local.get $13
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $13
      local.get $13
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $13
     local.get $24
     f64.mul
     f64.sub
    end
    f64.add
    local.set $6
    local.get $7
    i32.const 1
    i32.add
    local.set $7
    br $for-loop|2
   end
  end
  local.get $4
  f64x2.extract_lane 0
  local.get $4
  f64x2.extract_lane 1
  f64.add
  local.get $6
  f64.add
 )
 (func $wasm/pointwise/klPointwise<f64> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64)
  (local $6 v128)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 v128)
  (local $14 f64)
  (local $15 f64)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  (local $22 v128)
  local.get $5
  f64x2.splat
  local.set $6
  local.get $5
  f64.const 1
  f64.ne
  local.set $10
  local.get $0
  i32.const -2
  i32.and
  local.set $11
  loop $for-loop|0
   local.get $7
   local.get $11
   i32.lt_s
   if
    local.get $7
    i32.const 3
    i32.shl
    local.tee $12
    local.get $2
    i32.add
    v128.load
    local.set $13
    block $for-continue|0
     local.get $4
     if (result i32)
      i32.const 0
     else
      local.get $13
      i32.const 1496
      v128.load64_splat
      i64x2.lt_s
      local.get $13
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      v128.any_true
     end
     if
      i32.const 0
      local.set $8
      loop $for-loop|1
       local.get $8
       i32.const 2
       i32.lt_s
       if
        local.get $12
        local.get $8
        i32.const 3
        i32.shl
        i32.add
        local.tee $9
        local.get $1
        i32.add
        f64.load
        local.set $14
        local.get $3
        local.get $9
        i32.add
        local.get $2
        local.get $9
        i32.add
        f64.load
        local.tee $15
        f64.const 0
        f64.eq
        if (result f64)
         f64.const 0
        else
         local.get $15
         local.get $15
         call $~lib/math/NativeMath.log
         f64.mul
        end
        local.get $15
        local.get $14
        f64.mul
        f64.sub
        local.get $5
        f64.div
        f64.store
        local.get $8
        i32.const 1
        i32.add
        local.set $8
        br $for-loop|1
       end
      end
      br $for-continue|0
     end
     local.get $1
     local.get $12
     i32.add
     v128.load
     local.set $16
     local.get $3
     local.get $12
     i32.add
     block $wasm/loss/Loss.of<f64>|inlined.4 (result v128)
      local.get $4
      if
       local.get $13
       i32.const 1032
       v128.load64_splat
       local.tee $17
       f64x2.pmin
       i32.const 1064
       v128.load64_splat
       f64x2.pmax
       local.tee $18
       i32.const 1080
       v128.load64_splat
       f64x2.mul
       i32.const 1096
       v128.load64_splat
       local.tee $19
       f64x2.add
       local.tee $20
       local.get $19
       f64x2.sub
       local.set $19
       local.get $18
       local.get $19
       i32.const 1112
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.get $19
       i32.const 1128
       v128.load64_splat
       f64x2.mul
       f64x2.sub
       local.tee $19
       local.get $19
       f64x2.mul
       local.tee $21
       local.get $21
       f64x2.mul
       local.set $22
       i32.const 1048
       v128.load64_splat
       block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.4" (result v128)
        i32.const 1232
        v128.load64_splat
        local.get $19
        f64x2.add
        local.get $21
        i32.const 1240
        v128.load64_splat
        i32.const 1248
        v128.load64_splat
        local.get $19
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        i32.const 1256
        v128.load64_splat
        i32.const 1264
        v128.load64_splat
        local.get $19
        f64x2.mul
        f64x2.add
        local.get $21
        i32.const 1272
        v128.load64_splat
        i32.const 1280
        v128.load64_splat
        local.get $19
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        local.get $22
        f64x2.mul
        i32.const 1288
        v128.load64_splat
        i32.const 1296
        v128.load64_splat
        local.get $19
        f64x2.mul
        f64x2.add
        local.get $21
        i32.const 1304
        v128.load64_splat
        i32.const 1312
        v128.load64_splat
        local.get $19
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.get $22
        i32.const 1320
        v128.load64_splat
        f64x2.mul
        f64x2.add
        f64x2.mul
        f64x2.add
        local.tee $19
        local.get $20
        i32.const 1144
        v128.load64_splat
        v128.and
        i32.const 1160
        v128.load64_splat
        i64x2.sub
        local.tee $20
        i32.const 1176
        v128.load64_splat
        local.tee $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $18
        i32.const 1192
        v128.load64_splat
        f64x2.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.4"
        drop
        local.get $19
        local.get $20
        i32.const 1
        i64x2.shr_s
        local.tee $18
        local.get $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
        local.get $20
        local.get $18
        i64x2.sub
        local.get $21
        i64x2.add
        i32.const 52
        i64x2.shl
        f64x2.mul
       end
       local.get $13
       local.get $17
       f64x2.gt
       v128.bitselect
       local.get $13
       local.get $16
       f64x2.sub
       f64x2.mul
       br $wasm/loss/Loss.of<f64>|inlined.4
      end
      local.get $13
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $17
      local.get $17
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $18
      local.get $13
      local.get $17
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $17
      i32.const 1400
      v128.load64_splat
      local.get $17
      f64x2.add
      f64x2.div
      local.tee $19
      local.get $19
      f64x2.mul
      local.tee $20
      local.get $20
      f64x2.mul
      local.set $21
      local.get $13
      local.get $18
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $17
      f64x2.mul
      local.get $17
      f64x2.mul
      local.tee $22
      local.get $19
      local.get $22
      local.get $20
      local.get $21
      local.get $21
      local.get $21
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $21
      local.get $21
      local.get $21
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $18
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $17
      f64x2.sub
      f64x2.sub
      f64x2.mul
      local.get $13
      local.get $16
      f64x2.mul
      f64x2.sub
     end
     local.tee $13
     local.get $6
     f64x2.div
     local.get $13
     local.get $10
     select
     v128.store
    end
    local.get $7
    i32.const 2
    i32.add
    local.set $7
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $7
   i32.gt_s
   if
    local.get $7
    i32.const 3
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f64.load
    local.set $14
    local.get $2
    local.get $8
    i32.add
    f64.load
    local.set $15
    local.get $3
    local.get $8
    i32.add
    block $wasm/loss/Loss.scalar|inlined.7 (result f64)
     local.get $4
     if
      local.get $15
      call $~lib/math/NativeMath.exp
      local.get $15
      local.get $14
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.7
     end
     local.get $15
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $15
      local.get $15
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $15
     local.get $14
     f64.mul
     f64.sub
    end
    local.get $5
    f64.div
    f64.store
    local.get $7
    i32.const 1
    i32.add
    local.set $7
    br $for-loop|2
   end
  end
 )
 (func $wasm/pointwise/klPointwise<f32> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64)
  (local $6 v128)
  (local $7 i32)
  (local $8 i32)
  (local $9 i32)
  (local $10 i32)
  (local $11 i32)
  (local $12 i32)
  (local $13 v128)
  (local $14 f64)
  (local $15 f64)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 v128)
  local.get $5
  f32.demote_f64
  f32x4.splat
  local.set $6
  local.get $5
  f64.const 1
  f64.ne
  local.set $10
  local.get $0
  i32.const -4
  i32.and
  local.set $11
  loop $for-loop|0
   local.get $7
   local.get $11
   i32.lt_s
   if
    local.get $7
    i32.const 2
    i32.shl
    local.tee $12
    local.get $2
    i32.add
    v128.load
    local.set $13
    block $for-continue|0
     local.get $4
     if (result i32)
      i32.const 0
     else
      local.get $13
      i32.const 1488
      v128.load32_splat
      i32x4.lt_s
      local.get $13
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      v128.any_true
     end
     if
      i32.const 0
      local.set $8
      loop $for-loop|1
       local.get $8
       i32.const 4
       i32.lt_s
       if
        local.get $12
        local.get $8
        i32.const 2
        i32.shl
        i32.add
        local.tee $9
        local.get $1
        i32.add
        f32.load
        f64.promote_f32
        local.set $14
        local.get $3
        local.get $9
        i32.add
        local.get $2
        local.get $9
        i32.add
        f32.load
        f64.promote_f32
        local.tee $15
        f64.const 0
        f64.eq
        if (result f64)
         f64.const 0
        else
         local.get $15
         local.get $15
         call $~lib/math/NativeMath.log
         f64.mul
        end
        local.get $15
        local.get $14
        f64.mul
        f64.sub
        local.get $5
        f64.div
        f32.demote_f64
        f32.store
        local.get $8
        i32.const 1
        i32.add
        local.set $8
        br $for-loop|1
       end
      end
      br $for-continue|0
     end
     local.get $1
     local.get $12
     i32.add
     v128.load
     local.set $16
     local.get $3
     local.get $12
     i32.add
     block $wasm/loss/Loss.of<f32>|inlined.4 (result v128)
      local.get $4
      if
       local.get $13
       i32.const 1024
       v128.load32_splat
       local.tee $17
       f32x4.pmin
       i32.const 1056
       v128.load32_splat
       f32x4.pmax
       local.tee $18
       i32.const 1072
       v128.load32_splat
       f32x4.mul
       i32.const 1088
       v128.load32_splat
       local.tee $19
       f32x4.add
       local.tee $20
       local.get $19
       f32x4.sub
       local.set $19
       local.get $18
       local.get $19
       i32.const 1104
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.get $19
       i32.const 1120
       v128.load32_splat
       f32x4.mul
       f32x4.sub
       local.tee $19
       local.get $19
       f32x4.mul
       local.set $21
       i32.const 1040
       v128.load32_splat
       block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.4" (result v128)
        i32.const 1200
        v128.load32_splat
        local.get $19
        f32x4.mul
        i32.const 1204
        v128.load32_splat
        f32x4.add
        local.get $21
        i32.const 1208
        v128.load32_splat
        local.get $19
        f32x4.mul
        i32.const 1212
        v128.load32_splat
        f32x4.add
        local.get $21
        i32.const 1216
        v128.load32_splat
        local.get $19
        f32x4.mul
        i32.const 1220
        v128.load32_splat
        f32x4.add
        f32x4.mul
        f32x4.add
        f32x4.mul
        f32x4.add
        local.get $21
        f32x4.mul
        local.get $19
        f32x4.add
        i32.const 1224
        v128.load32_splat
        f32x4.add
        local.tee $19
        local.get $20
        i32.const 1136
        v128.load32_splat
        v128.and
        i32.const 1152
        v128.load32_splat
        i32x4.sub
        local.tee $20
        i32.const 1168
        v128.load32_splat
        local.tee $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $18
        i32.const 1184
        v128.load32_splat
        f32x4.lt
        v128.any_true
        i32.eqz
        br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.4"
        drop
        local.get $19
        local.get $20
        i32.const 1
        i32x4.shr_s
        local.tee $18
        local.get $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
        local.get $20
        local.get $18
        i32x4.sub
        local.get $21
        i32x4.add
        i32.const 23
        i32x4.shl
        f32x4.mul
       end
       local.get $13
       local.get $17
       f32x4.gt
       v128.bitselect
       local.get $13
       local.get $16
       f32x4.sub
       f32x4.mul
       br $wasm/loss/Loss.of<f32>|inlined.4
      end
      local.get $13
      local.get $13
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $17
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $18
      local.get $18
      f32x4.mul
      local.tee $19
      local.get $19
      f32x4.mul
      local.set $20
      local.get $13
      local.get $18
      local.get $18
      local.get $19
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $19
      i32.const 1344
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $20
      i32.const 1352
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $19
      i32.const 1360
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $20
      local.get $20
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $19
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $17
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $13
      local.get $16
      f32x4.mul
      f32x4.sub
     end
     local.tee $13
     local.get $6
     f32x4.div
     local.get $13
     local.get $10
     select
     v128.store
    end
    local.get $7
    i32.const 4
    i32.add
    local.set $7
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $7
   i32.gt_s
   if
    local.get $7
    i32.const 2
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f32.load
    f64.promote_f32
    local.set $14
    local.get $2
    local.get $8
    i32.add
    f32.load
    f64.promote_f32
    local.set $15
    local.get $3
    local.get $8
    i32.add
    block $wasm/loss/Loss.scalar|inlined.5 (result f64)
     local.get $4
     if
      local.get $15
      call $~lib/math/NativeMath.exp
      local.get $15
      local.get $14
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.5
     end
     local.get $15
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $15
      local.get $15
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $15
     local.get $14
     f64.mul
     f64.sub
    end
    local.get $5
    f64.div
    f32.demote_f64
    f32.store
    local.get $7
    i32.const 1
    i32.add
    local.set $7
    br $for-loop|2
   end
  end
 )
 (func $wasm/logits-rows/logitsRowForward<f64> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64) (param $6 i32) (param $7 f64) (result f64)
  (local $8 i32)
  (local $9 i32)
  (local $10 f64)
  (local $11 v128)
  (local $12 v128)
  (local $13 f64)
  (local $14 f64)
  (local $15 v128)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 f64)
  (local $21 v128)
  (local $22 v128)
  (local $23 f64)
  (local $24 f64)
  (local $25 f64)
  (local $26 f64)
  (local $27 v128)
  (local $28 v128)
  (local $29 v128)
  v128.const i32x4 0x00000000 0xfff00000 0x00000000 0xfff00000
  local.set $16
  v128.const i32x4 0x00000000 0xfff00000 0x00000000 0xfff00000
  local.set $27
  local.get $5
  f64x2.splat
  local.set $15
  loop $for-loop|0
   local.get $9
   i32.const 2
   i32.add
   local.tee $8
   local.get $0
   i32.le_s
   if
    local.get $16
    local.get $9
    i32.const 3
    i32.shl
    local.tee $9
    local.get $1
    i32.add
    v128.load
    local.get $15
    f64x2.mul
    local.tee $12
    f64x2.pmax
    local.set $16
    local.get $27
    local.get $2
    local.get $9
    i32.add
    v128.load
    local.get $15
    f64x2.mul
    local.tee $11
    f64x2.pmax
    local.set $27
    local.get $29
    local.get $12
    local.get $12
    f64x2.ne
    v128.or
    local.set $29
    local.get $28
    local.get $11
    local.get $11
    f64x2.ne
    v128.or
    local.set $28
    local.get $8
    local.set $9
    br $for-loop|0
   end
  end
  f64.const nan:0x8000000000000
  local.get $16
  f64x2.extract_lane 0
  local.get $16
  f64x2.extract_lane 1
  f64.max
  local.get $29
  v128.any_true
  select
  local.set $26
  f64.const nan:0x8000000000000
  local.get $27
  f64x2.extract_lane 0
  local.get $27
  f64x2.extract_lane 1
  f64.max
  local.get $28
  v128.any_true
  select
  local.set $13
  loop $for-loop|1
   local.get $0
   local.get $9
   i32.gt_s
   if
    local.get $26
    local.get $9
    i32.const 3
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f64.load
    local.get $5
    f64.mul
    f64.max
    local.set $26
    local.get $13
    local.get $2
    local.get $8
    i32.add
    f64.load
    local.get $5
    f64.mul
    f64.max
    local.set $13
    local.get $9
    i32.const 1
    i32.add
    local.set $9
    br $for-loop|1
   end
  end
  local.get $26
  global.set $wasm/logits-rows/rowMaxS
  local.get $13
  global.set $wasm/logits-rows/rowMaxT
  global.get $wasm/logits-rows/rowMaxS
  local.set $24
  global.get $wasm/logits-rows/rowMaxT
  local.set $23
  local.get $6
  i32.eqz
  if
   local.get $0
   i32.eqz
   if
    f64.const 0
    return
   end
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $27
   local.get $5
   f64x2.splat
   local.set $19
   local.get $24
   f64x2.splat
   local.set $18
   i32.const 0
   local.set $6
   loop $for-loop|2
    local.get $6
    i32.const 2
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $6
     i32.const 3
     i32.shl
     local.tee $8
     local.get $1
     i32.add
     v128.load
     local.get $19
     f64x2.mul
     local.get $18
     f64x2.sub
     i32.const 1064
     v128.load64_splat
     f64x2.pmax
     local.tee $17
     i32.const 1080
     v128.load64_splat
     f64x2.mul
     i32.const 1096
     v128.load64_splat
     local.tee $11
     f64x2.add
     local.tee $16
     local.get $11
     f64x2.sub
     local.set $11
     local.get $17
     local.get $11
     i32.const 1112
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.get $11
     i32.const 1128
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.tee $15
     local.get $15
     f64x2.mul
     local.tee $12
     local.get $12
     f64x2.mul
     local.set $11
     local.get $3
     local.get $8
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.6" (result v128)
      i32.const 1232
      v128.load64_splat
      local.get $15
      f64x2.add
      local.get $12
      i32.const 1240
      v128.load64_splat
      i32.const 1248
      v128.load64_splat
      local.get $15
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $11
      i32.const 1256
      v128.load64_splat
      i32.const 1264
      v128.load64_splat
      local.get $15
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1272
      v128.load64_splat
      i32.const 1280
      v128.load64_splat
      local.get $15
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $11
      local.get $11
      f64x2.mul
      i32.const 1288
      v128.load64_splat
      i32.const 1296
      v128.load64_splat
      local.get $15
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1304
      v128.load64_splat
      i32.const 1312
      v128.load64_splat
      local.get $15
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $11
      i32.const 1320
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.tee $11
      local.get $16
      i32.const 1144
      v128.load64_splat
      v128.and
      i32.const 1160
      v128.load64_splat
      i64x2.sub
      local.tee $15
      i32.const 1176
      v128.load64_splat
      local.tee $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $17
      i32.const 1192
      v128.load64_splat
      f64x2.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.6"
      drop
      local.get $11
      local.get $15
      i32.const 1
      i64x2.shr_s
      local.tee $11
      local.get $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $15
      local.get $11
      i64x2.sub
      local.get $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
     end
     local.tee $11
     v128.store
     local.get $27
     local.get $11
     f64x2.add
     local.set $27
     local.get $6
     i32.const 2
     i32.add
     local.set $6
     br $for-loop|2
    end
   end
   local.get $27
   f64x2.extract_lane 0
   local.get $27
   f64x2.extract_lane 1
   f64.add
   local.set $7
   loop $for-loop|3
    local.get $0
    local.get $6
    i32.gt_s
    if
     local.get $6
     i32.const 3
     i32.shl
     local.tee $8
     local.get $1
     i32.add
     f64.load
     local.get $5
     f64.mul
     local.get $24
     f64.sub
     call $~lib/math/NativeMath.exp
     local.set $10
     local.get $3
     local.get $8
     i32.add
     local.get $10
     f64.store
     local.get $7
     local.get $10
     f64.add
     local.set $7
     local.get $6
     i32.const 1
     i32.add
     local.set $6
     br $for-loop|3
    end
   end
   local.get $7
   local.set $10
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $27
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $29
   v128.const i32x4 0x00000000 0x7ff00000 0x00000000 0x7ff00000
   local.set $28
   local.get $5
   f64x2.splat
   local.set $21
   local.get $23
   f64x2.splat
   local.set $19
   i32.const 0
   local.set $3
   loop $for-loop|4
    local.get $3
    i32.const 2
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $3
     i32.const 3
     i32.shl
     local.tee $6
     local.get $2
     i32.add
     v128.load
     local.set $18
     local.get $1
     local.get $6
     i32.add
     v128.load
     local.set $17
     local.get $18
     local.get $21
     f64x2.mul
     local.get $19
     f64x2.sub
     i32.const 1064
     v128.load64_splat
     f64x2.pmax
     local.tee $16
     i32.const 1080
     v128.load64_splat
     f64x2.mul
     i32.const 1096
     v128.load64_splat
     local.tee $11
     f64x2.add
     local.tee $15
     local.get $11
     f64x2.sub
     local.set $11
     local.get $16
     local.get $11
     i32.const 1112
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.get $11
     i32.const 1128
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.tee $12
     local.get $12
     f64x2.mul
     local.tee $11
     local.get $11
     f64x2.mul
     local.set $22
     local.get $4
     local.get $6
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.7" (result v128)
      i32.const 1232
      v128.load64_splat
      local.get $12
      f64x2.add
      local.get $11
      i32.const 1240
      v128.load64_splat
      i32.const 1248
      v128.load64_splat
      local.get $12
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $22
      i32.const 1256
      v128.load64_splat
      i32.const 1264
      v128.load64_splat
      local.get $12
      f64x2.mul
      f64x2.add
      local.get $11
      i32.const 1272
      v128.load64_splat
      i32.const 1280
      v128.load64_splat
      local.get $12
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $22
      local.get $22
      f64x2.mul
      i32.const 1288
      v128.load64_splat
      i32.const 1296
      v128.load64_splat
      local.get $12
      f64x2.mul
      f64x2.add
      local.get $11
      i32.const 1304
      v128.load64_splat
      i32.const 1312
      v128.load64_splat
      local.get $12
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $22
      i32.const 1320
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.tee $11
      local.get $15
      i32.const 1144
      v128.load64_splat
      v128.and
      i32.const 1160
      v128.load64_splat
      i64x2.sub
      local.tee $15
      i32.const 1176
      v128.load64_splat
      local.tee $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $16
      i32.const 1192
      v128.load64_splat
      f64x2.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.7"
      drop
      local.get $11
      local.get $15
      i32.const 1
      i64x2.shr_s
      local.tee $11
      local.get $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $15
      local.get $11
      i64x2.sub
      local.get $12
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
     end
     local.tee $11
     v128.store
     local.get $27
     local.get $11
     f64x2.add
     local.set $27
     local.get $28
     local.get $11
     f64x2.pmin
     local.set $28
     local.get $29
     local.get $11
     local.get $17
     local.get $18
     local.get $17
     f64x2.sub
     local.get $11
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f64x2.eq
     v128.bitselect
     f64x2.mul
     f64x2.add
     local.set $29
     local.get $3
     i32.const 2
     i32.add
     local.set $3
     br $for-loop|4
    end
   end
   local.get $27
   f64x2.extract_lane 0
   local.get $27
   f64x2.extract_lane 1
   f64.add
   local.set $7
   local.get $29
   f64x2.extract_lane 0
   local.get $29
   f64x2.extract_lane 1
   f64.add
   local.set $26
   local.get $28
   f64x2.extract_lane 0
   local.get $28
   f64x2.extract_lane 1
   f64.min
   local.set $25
   loop $for-loop|5
    local.get $0
    local.get $3
    i32.gt_s
    if
     local.get $3
     i32.const 3
     i32.shl
     local.tee $6
     local.get $2
     i32.add
     f64.load
     local.set $14
     local.get $1
     local.get $6
     i32.add
     f64.load
     local.set $13
     local.get $4
     local.get $6
     i32.add
     local.get $14
     local.get $5
     f64.mul
     local.get $23
     f64.sub
     call $~lib/math/NativeMath.exp
     local.tee $20
     f64.store
     local.get $7
     local.get $20
     f64.add
     local.set $7
     local.get $20
     local.get $25
     f64.min
     local.set $25
     local.get $26
     local.get $20
     local.get $13
     local.get $14
     local.get $13
     f64.sub
     local.get $20
     f64.const 0
     f64.eq
     select
     f64.mul
     f64.add
     local.set $26
     local.get $3
     i32.const 1
     i32.add
     local.set $3
     br $for-loop|5
    end
   end
   local.get $26
   global.set $wasm/logits-rows/rowDot
   local.get $25
   global.set $wasm/logits-rows/rowMinE
   local.get $5
   global.get $wasm/logits-rows/rowDot
   f64.mul
   local.get $7
   f64.div
   local.get $24
   local.get $10
   call $~lib/math/NativeMath.log
   f64.add
   f64.add
   local.get $23
   local.get $7
   call $~lib/math/NativeMath.log
   f64.add
   f64.sub
   return
  end
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $27
  local.get $5
  f64x2.splat
  local.set $19
  local.get $24
  f64x2.splat
  local.set $18
  i32.const 0
  local.set $9
  loop $for-loop|6
   local.get $9
   i32.const 2
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $9
    i32.const 3
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    v128.load
    local.get $19
    f64x2.mul
    local.get $18
    f64x2.sub
    i32.const 1064
    v128.load64_splat
    f64x2.pmax
    local.tee $17
    i32.const 1080
    v128.load64_splat
    f64x2.mul
    i32.const 1096
    v128.load64_splat
    local.tee $11
    f64x2.add
    local.tee $16
    local.get $11
    f64x2.sub
    local.set $11
    local.get $17
    local.get $11
    i32.const 1112
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.get $11
    i32.const 1128
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.tee $15
    local.get $15
    f64x2.mul
    local.tee $12
    local.get $12
    f64x2.mul
    local.set $11
    local.get $3
    local.get $8
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.8" (result v128)
     i32.const 1232
     v128.load64_splat
     local.get $15
     f64x2.add
     local.get $12
     i32.const 1240
     v128.load64_splat
     i32.const 1248
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     i32.const 1256
     v128.load64_splat
     i32.const 1264
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1272
     v128.load64_splat
     i32.const 1280
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     local.get $11
     f64x2.mul
     i32.const 1288
     v128.load64_splat
     i32.const 1296
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1304
     v128.load64_splat
     i32.const 1312
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     i32.const 1320
     v128.load64_splat
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.tee $11
     local.get $16
     i32.const 1144
     v128.load64_splat
     v128.and
     i32.const 1160
     v128.load64_splat
     i64x2.sub
     local.tee $15
     i32.const 1176
     v128.load64_splat
     local.tee $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $17
     i32.const 1192
     v128.load64_splat
     f64x2.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.8"
     drop
     local.get $11
     local.get $15
     i32.const 1
     i64x2.shr_s
     local.tee $11
     local.get $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $15
     local.get $11
     i64x2.sub
     local.get $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
    end
    local.tee $11
    v128.store
    local.get $27
    local.get $11
    f64x2.add
    local.set $27
    local.get $9
    i32.const 2
    i32.add
    local.set $9
    br $for-loop|6
   end
  end
  local.get $27
  f64x2.extract_lane 0
  local.get $27
  f64x2.extract_lane 1
  f64.add
  local.set $13
  loop $for-loop|7
   local.get $0
   local.get $9
   i32.gt_s
   if
    local.get $9
    i32.const 3
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f64.load
    local.get $5
    f64.mul
    local.get $24
    f64.sub
    call $~lib/math/NativeMath.exp
    local.set $10
    local.get $3
    local.get $8
    i32.add
    local.get $10
    f64.store
    local.get $13
    local.get $10
    f64.add
    local.set $13
    local.get $9
    i32.const 1
    i32.add
    local.set $9
    br $for-loop|7
   end
  end
  local.get $24
  local.get $13
  call $~lib/math/NativeMath.log
  f64.add
  local.set $20
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $27
  local.get $5
  f64x2.splat
  local.set $19
  local.get $23
  f64x2.splat
  local.set $18
  i32.const 0
  local.set $3
  loop $for-loop|8
   local.get $3
   i32.const 2
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $3
    i32.const 3
    i32.shl
    local.tee $8
    local.get $2
    i32.add
    v128.load
    local.get $19
    f64x2.mul
    local.get $18
    f64x2.sub
    i32.const 1064
    v128.load64_splat
    f64x2.pmax
    local.tee $17
    i32.const 1080
    v128.load64_splat
    f64x2.mul
    i32.const 1096
    v128.load64_splat
    local.tee $11
    f64x2.add
    local.tee $16
    local.get $11
    f64x2.sub
    local.set $11
    local.get $17
    local.get $11
    i32.const 1112
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.get $11
    i32.const 1128
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.tee $15
    local.get $15
    f64x2.mul
    local.tee $12
    local.get $12
    f64x2.mul
    local.set $11
    local.get $4
    local.get $8
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.9" (result v128)
     i32.const 1232
     v128.load64_splat
     local.get $15
     f64x2.add
     local.get $12
     i32.const 1240
     v128.load64_splat
     i32.const 1248
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     i32.const 1256
     v128.load64_splat
     i32.const 1264
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1272
     v128.load64_splat
     i32.const 1280
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     local.get $11
     f64x2.mul
     i32.const 1288
     v128.load64_splat
     i32.const 1296
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1304
     v128.load64_splat
     i32.const 1312
     v128.load64_splat
     local.get $15
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $11
     i32.const 1320
     v128.load64_splat
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.tee $11
     local.get $16
     i32.const 1144
     v128.load64_splat
     v128.and
     i32.const 1160
     v128.load64_splat
     i64x2.sub
     local.tee $15
     i32.const 1176
     v128.load64_splat
     local.tee $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $17
     i32.const 1192
     v128.load64_splat
     f64x2.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.9"
     drop
     local.get $11
     local.get $15
     i32.const 1
     i64x2.shr_s
     local.tee $11
     local.get $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $15
     local.get $11
     i64x2.sub
     local.get $12
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
    end
    local.tee $11
    v128.store
    local.get $27
    local.get $11
    f64x2.add
    local.set $27
    local.get $3
    i32.const 2
    i32.add
    local.set $3
    br $for-loop|8
   end
  end
  local.get $27
  f64x2.extract_lane 0
  local.get $27
  f64x2.extract_lane 1
  f64.add
  local.set $26
  loop $for-loop|9
   local.get $0
   local.get $3
   i32.gt_s
   if
    local.get $3
    i32.const 3
    i32.shl
    local.tee $8
    local.get $2
    i32.add
    f64.load
    local.get $5
    f64.mul
    local.get $23
    f64.sub
    call $~lib/math/NativeMath.exp
    local.set $10
    local.get $4
    local.get $8
    i32.add
    local.get $10
    f64.store
    local.get $26
    local.get $10
    f64.add
    local.set $26
    local.get $3
    i32.const 1
    i32.add
    local.set $3
    br $for-loop|9
   end
  end
  local.get $23
  local.get $26
  call $~lib/math/NativeMath.log
  f64.add
  local.set $14
  f64.const 1
  local.get $26
  f64.div
  local.set $13
  local.get $5
  f64x2.splat
  local.set $12
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $16
  i32.const 0
  local.set $3
  loop $for-loop|10
   local.get $3
   i32.const 2
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $16
    local.get $3
    i32.const 3
    i32.shl
    local.tee $8
    local.get $4
    i32.add
    v128.load
    local.get $13
    f64x2.splat
    f64x2.mul
    local.tee $11
    local.get $2
    local.get $8
    i32.add
    v128.load
    local.get $12
    f64x2.mul
    local.get $14
    f64x2.splat
    f64x2.sub
    f64x2.mul
    local.get $11
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    f64x2.eq
    v128.andnot
    local.get $11
    local.get $1
    local.get $8
    i32.add
    v128.load
    local.get $12
    f64x2.mul
    local.get $20
    f64x2.splat
    f64x2.sub
    f64x2.mul
    f64x2.sub
    local.tee $11
    f64x2.add
    local.set $16
    local.get $6
    if
     local.get $6
     local.get $8
     i32.add
     local.get $11
     local.get $7
     f64x2.splat
     f64x2.mul
     v128.store
    end
    local.get $3
    i32.const 2
    i32.add
    local.set $3
    br $for-loop|10
   end
  end
  local.get $16
  f64x2.extract_lane 0
  local.get $16
  f64x2.extract_lane 1
  f64.add
  local.set $26
  loop $for-loop|11
   local.get $0
   local.get $3
   i32.gt_s
   if
    local.get $26
    f64.const 0
    local.get $3
    i32.const 3
    i32.shl
    local.tee $8
    local.get $4
    i32.add
    f64.load
    local.get $13
    f64.mul
    local.tee $10
    local.get $2
    local.get $8
    i32.add
    f64.load
    local.get $5
    f64.mul
    local.get $14
    f64.sub
    f64.mul
    local.get $10
    f64.const 0
    f64.eq
    select
    local.get $10
    local.get $1
    local.get $8
    i32.add
    f64.load
    local.get $5
    f64.mul
    local.get $20
    f64.sub
    f64.mul
    f64.sub
    local.tee $10
    f64.add
    local.set $26
    local.get $6
    if
     local.get $6
     local.get $8
     i32.add
     local.get $10
     local.get $7
     f64.mul
     f64.store
    end
    local.get $3
    i32.const 1
    i32.add
    local.set $3
    br $for-loop|11
   end
  end
  local.get $26
 )
 (func $wasm/logits-rows/logitsRowForward<f32> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f32) (param $6 i32) (param $7 f32) (result f64)
  (local $8 i32)
  (local $9 i32)
  (local $10 f64)
  (local $11 f64)
  (local $12 f32)
  (local $13 v128)
  (local $14 v128)
  (local $15 f32)
  (local $16 f32)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 f32)
  (local $22 v128)
  (local $23 v128)
  (local $24 f32)
  (local $25 f64)
  (local $26 v128)
  (local $27 v128)
  (local $28 v128)
  v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
  local.set $27
  v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
  local.set $22
  local.get $5
  f32x4.splat
  local.set $17
  loop $for-loop|0
   local.get $9
   i32.const 4
   i32.add
   local.tee $8
   local.get $0
   i32.le_s
   if
    local.get $27
    local.get $9
    i32.const 2
    i32.shl
    local.tee $9
    local.get $1
    i32.add
    v128.load
    local.get $17
    f32x4.mul
    local.tee $14
    f32x4.pmax
    local.set $27
    local.get $22
    local.get $2
    local.get $9
    i32.add
    v128.load
    local.get $17
    f32x4.mul
    local.tee $13
    f32x4.pmax
    local.set $22
    local.get $28
    local.get $14
    local.get $14
    f32x4.ne
    v128.or
    local.set $28
    local.get $26
    local.get $13
    local.get $13
    f32x4.ne
    v128.or
    local.set $26
    local.get $8
    local.set $9
    br $for-loop|0
   end
  end
  f32.const nan:0x400000
  local.get $27
  f32x4.extract_lane 2
  local.get $27
  f32x4.extract_lane 3
  f32.max
  local.get $27
  f32x4.extract_lane 0
  local.get $27
  f32x4.extract_lane 1
  f32.max
  f32.max
  local.get $28
  v128.any_true
  select
  local.set $15
  f32.const nan:0x400000
  local.get $22
  f32x4.extract_lane 2
  local.get $22
  f32x4.extract_lane 3
  f32.max
  local.get $22
  f32x4.extract_lane 0
  local.get $22
  f32x4.extract_lane 1
  f32.max
  f32.max
  local.get $26
  v128.any_true
  select
  local.set $12
  loop $for-loop|1
   local.get $0
   local.get $9
   i32.gt_s
   if
    local.get $15
    local.get $9
    i32.const 2
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f32.load
    local.get $5
    f32.mul
    f32.max
    local.set $15
    local.get $12
    local.get $2
    local.get $8
    i32.add
    f32.load
    local.get $5
    f32.mul
    f32.max
    local.set $12
    local.get $9
    i32.const 1
    i32.add
    local.set $9
    br $for-loop|1
   end
  end
  local.get $15
  f64.promote_f32
  global.set $wasm/logits-rows/rowMaxS
  local.get $12
  f64.promote_f32
  global.set $wasm/logits-rows/rowMaxT
  global.get $wasm/logits-rows/rowMaxS
  f32.demote_f64
  local.set $21
  global.get $wasm/logits-rows/rowMaxT
  f32.demote_f64
  local.set $16
  local.get $6
  i32.eqz
  if
   local.get $0
   i32.eqz
   if
    f64.const 0
    return
   end
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $22
   local.get $5
   f32x4.splat
   local.set $20
   local.get $21
   f32x4.splat
   local.set $19
   i32.const 0
   local.set $6
   loop $for-loop|2
    local.get $6
    i32.const 4
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $6
     i32.const 2
     i32.shl
     local.tee $8
     local.get $1
     i32.add
     v128.load
     local.get $20
     f32x4.mul
     local.get $19
     f32x4.sub
     i32.const 1056
     v128.load32_splat
     f32x4.pmax
     local.tee $18
     i32.const 1072
     v128.load32_splat
     f32x4.mul
     i32.const 1088
     v128.load32_splat
     local.tee $13
     f32x4.add
     local.tee $17
     local.get $13
     f32x4.sub
     local.set $13
     local.get $18
     local.get $13
     i32.const 1104
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.get $13
     i32.const 1120
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.tee $14
     local.get $14
     f32x4.mul
     local.set $13
     local.get $3
     local.get $8
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.6" (result v128)
      i32.const 1200
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1204
      v128.load32_splat
      f32x4.add
      local.get $13
      i32.const 1208
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1212
      v128.load32_splat
      f32x4.add
      local.get $13
      i32.const 1216
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1220
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $13
      f32x4.mul
      local.get $14
      f32x4.add
      i32.const 1224
      v128.load32_splat
      f32x4.add
      local.tee $13
      local.get $17
      i32.const 1136
      v128.load32_splat
      v128.and
      i32.const 1152
      v128.load32_splat
      i32x4.sub
      local.tee $17
      i32.const 1168
      v128.load32_splat
      local.tee $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $18
      i32.const 1184
      v128.load32_splat
      f32x4.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.6"
      drop
      local.get $13
      local.get $17
      i32.const 1
      i32x4.shr_s
      local.tee $13
      local.get $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $17
      local.get $13
      i32x4.sub
      local.get $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
     end
     local.tee $13
     v128.store
     local.get $22
     local.get $13
     f64x2.promote_low_f32x4
     local.get $13
     local.get $13
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $22
     local.get $6
     i32.const 4
     i32.add
     local.set $6
     br $for-loop|2
    end
   end
   local.get $22
   f64x2.extract_lane 0
   local.get $22
   f64x2.extract_lane 1
   f64.add
   local.set $11
   loop $for-loop|3
    local.get $0
    local.get $6
    i32.gt_s
    if
     local.get $6
     i32.const 2
     i32.shl
     local.tee $8
     local.get $1
     i32.add
     f32.load
     local.get $5
     f32.mul
     local.get $21
     f32.sub
     f64.promote_f32
     call $~lib/math/NativeMath.exp
     f32.demote_f64
     local.set $7
     local.get $3
     local.get $8
     i32.add
     local.get $7
     f32.store
     local.get $11
     local.get $7
     f64.promote_f32
     f64.add
     local.set $11
     local.get $6
     i32.const 1
     i32.add
     local.set $6
     br $for-loop|3
    end
   end
   local.get $11
   local.set $10
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $28
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $26
   v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000
   local.set $27
   local.get $5
   f32x4.splat
   local.set $23
   local.get $16
   f32x4.splat
   local.set $22
   i32.const 0
   local.set $3
   loop $for-loop|4
    local.get $3
    i32.const 4
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $3
     i32.const 2
     i32.shl
     local.tee $6
     local.get $2
     i32.add
     v128.load
     local.set $20
     local.get $1
     local.get $6
     i32.add
     v128.load
     local.set $19
     local.get $20
     local.get $23
     f32x4.mul
     local.get $22
     f32x4.sub
     i32.const 1056
     v128.load32_splat
     f32x4.pmax
     local.tee $18
     i32.const 1072
     v128.load32_splat
     f32x4.mul
     i32.const 1088
     v128.load32_splat
     local.tee $13
     f32x4.add
     local.tee $17
     local.get $13
     f32x4.sub
     local.set $13
     local.get $18
     local.get $13
     i32.const 1104
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.get $13
     i32.const 1120
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.tee $14
     local.get $14
     f32x4.mul
     local.set $13
     local.get $4
     local.get $6
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.7" (result v128)
      i32.const 1200
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1204
      v128.load32_splat
      f32x4.add
      local.get $13
      i32.const 1208
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1212
      v128.load32_splat
      f32x4.add
      local.get $13
      i32.const 1216
      v128.load32_splat
      local.get $14
      f32x4.mul
      i32.const 1220
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $13
      f32x4.mul
      local.get $14
      f32x4.add
      i32.const 1224
      v128.load32_splat
      f32x4.add
      local.tee $13
      local.get $17
      i32.const 1136
      v128.load32_splat
      v128.and
      i32.const 1152
      v128.load32_splat
      i32x4.sub
      local.tee $17
      i32.const 1168
      v128.load32_splat
      local.tee $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $18
      i32.const 1184
      v128.load32_splat
      f32x4.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.7"
      drop
      local.get $13
      local.get $17
      i32.const 1
      i32x4.shr_s
      local.tee $13
      local.get $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $17
      local.get $13
      i32x4.sub
      local.get $14
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
     end
     local.tee $13
     v128.store
     local.get $28
     local.get $13
     f64x2.promote_low_f32x4
     local.get $13
     local.get $13
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $28
     local.get $27
     local.get $13
     f32x4.pmin
     local.set $27
     local.get $26
     local.get $13
     local.get $19
     local.get $20
     local.get $19
     f32x4.sub
     local.get $13
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f32x4.eq
     v128.bitselect
     f32x4.mul
     local.tee $13
     f64x2.promote_low_f32x4
     local.get $13
     local.get $13
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $26
     local.get $3
     i32.const 4
     i32.add
     local.set $3
     br $for-loop|4
    end
   end
   local.get $28
   f64x2.extract_lane 0
   local.get $28
   f64x2.extract_lane 1
   f64.add
   local.set $11
   local.get $26
   f64x2.extract_lane 0
   local.get $26
   f64x2.extract_lane 1
   f64.add
   local.set $25
   local.get $27
   f32x4.extract_lane 2
   local.get $27
   f32x4.extract_lane 3
   f32.min
   local.get $27
   f32x4.extract_lane 0
   local.get $27
   f32x4.extract_lane 1
   f32.min
   f32.min
   local.set $7
   loop $for-loop|5
    local.get $0
    local.get $3
    i32.gt_s
    if
     local.get $3
     i32.const 2
     i32.shl
     local.tee $6
     local.get $2
     i32.add
     f32.load
     local.set $15
     local.get $1
     local.get $6
     i32.add
     f32.load
     local.set $12
     local.get $4
     local.get $6
     i32.add
     local.get $15
     local.get $5
     f32.mul
     local.get $16
     f32.sub
     f64.promote_f32
     call $~lib/math/NativeMath.exp
     f32.demote_f64
     local.tee $24
     f32.store
     local.get $11
     local.get $24
     f64.promote_f32
     f64.add
     local.set $11
     local.get $7
     local.get $24
     f32.min
     local.set $7
     local.get $25
     local.get $24
     local.get $12
     local.get $15
     local.get $12
     f32.sub
     local.get $24
     f32.const 0
     f32.eq
     select
     f32.mul
     f64.promote_f32
     f64.add
     local.set $25
     local.get $3
     i32.const 1
     i32.add
     local.set $3
     br $for-loop|5
    end
   end
   local.get $25
   global.set $wasm/logits-rows/rowDot
   local.get $7
   f64.promote_f32
   global.set $wasm/logits-rows/rowMinE
   local.get $5
   f64.promote_f32
   global.get $wasm/logits-rows/rowDot
   f64.mul
   local.get $11
   f64.div
   local.get $21
   f64.promote_f32
   local.get $10
   call $~lib/math/NativeMath.log
   f64.add
   f64.add
   local.get $16
   f64.promote_f32
   local.get $11
   call $~lib/math/NativeMath.log
   f64.add
   f64.sub
   return
  end
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $22
  local.get $5
  f32x4.splat
  local.set $20
  local.get $21
  f32x4.splat
  local.set $19
  i32.const 0
  local.set $9
  loop $for-loop|6
   local.get $9
   i32.const 4
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $9
    i32.const 2
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    v128.load
    local.get $20
    f32x4.mul
    local.get $19
    f32x4.sub
    i32.const 1056
    v128.load32_splat
    f32x4.pmax
    local.tee $18
    i32.const 1072
    v128.load32_splat
    f32x4.mul
    i32.const 1088
    v128.load32_splat
    local.tee $13
    f32x4.add
    local.tee $17
    local.get $13
    f32x4.sub
    local.set $13
    local.get $18
    local.get $13
    i32.const 1104
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.get $13
    i32.const 1120
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.tee $14
    local.get $14
    f32x4.mul
    local.set $13
    local.get $3
    local.get $8
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.8" (result v128)
     i32.const 1200
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1204
     v128.load32_splat
     f32x4.add
     local.get $13
     i32.const 1208
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1212
     v128.load32_splat
     f32x4.add
     local.get $13
     i32.const 1216
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1220
     v128.load32_splat
     f32x4.add
     f32x4.mul
     f32x4.add
     f32x4.mul
     f32x4.add
     local.get $13
     f32x4.mul
     local.get $14
     f32x4.add
     i32.const 1224
     v128.load32_splat
     f32x4.add
     local.tee $13
     local.get $17
     i32.const 1136
     v128.load32_splat
     v128.and
     i32.const 1152
     v128.load32_splat
     i32x4.sub
     local.tee $17
     i32.const 1168
     v128.load32_splat
     local.tee $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $18
     i32.const 1184
     v128.load32_splat
     f32x4.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.8"
     drop
     local.get $13
     local.get $17
     i32.const 1
     i32x4.shr_s
     local.tee $13
     local.get $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $17
     local.get $13
     i32x4.sub
     local.get $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
    end
    local.tee $13
    v128.store
    local.get $22
    local.get $13
    f64x2.promote_low_f32x4
    local.get $13
    local.get $13
    i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
    f64x2.promote_low_f32x4
    f64x2.add
    f64x2.add
    local.set $22
    local.get $9
    i32.const 4
    i32.add
    local.set $9
    br $for-loop|6
   end
  end
  local.get $22
  f64x2.extract_lane 0
  local.get $22
  f64x2.extract_lane 1
  f64.add
  local.set $11
  loop $for-loop|7
   local.get $0
   local.get $9
   i32.gt_s
   if
    local.get $9
    i32.const 2
    i32.shl
    local.tee $8
    local.get $1
    i32.add
    f32.load
    local.get $5
    f32.mul
    local.get $21
    f32.sub
    f64.promote_f32
    call $~lib/math/NativeMath.exp
    f32.demote_f64
    local.set $12
    local.get $3
    local.get $8
    i32.add
    local.get $12
    f32.store
    local.get $11
    local.get $12
    f64.promote_f32
    f64.add
    local.set $11
    local.get $9
    i32.const 1
    i32.add
    local.set $9
    br $for-loop|7
   end
  end
  local.get $21
  f64.promote_f32
  local.get $11
  call $~lib/math/NativeMath.log
  f64.add
  f32.demote_f64
  local.set $21
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $22
  local.get $5
  f32x4.splat
  local.set $20
  local.get $16
  f32x4.splat
  local.set $19
  i32.const 0
  local.set $3
  loop $for-loop|8
   local.get $3
   i32.const 4
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $3
    i32.const 2
    i32.shl
    local.tee $8
    local.get $2
    i32.add
    v128.load
    local.get $20
    f32x4.mul
    local.get $19
    f32x4.sub
    i32.const 1056
    v128.load32_splat
    f32x4.pmax
    local.tee $18
    i32.const 1072
    v128.load32_splat
    f32x4.mul
    i32.const 1088
    v128.load32_splat
    local.tee $13
    f32x4.add
    local.tee $17
    local.get $13
    f32x4.sub
    local.set $13
    local.get $18
    local.get $13
    i32.const 1104
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.get $13
    i32.const 1120
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.tee $14
    local.get $14
    f32x4.mul
    local.set $13
    local.get $4
    local.get $8
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.9" (result v128)
     i32.const 1200
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1204
     v128.load32_splat
     f32x4.add
     local.get $13
     i32.const 1208
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1212
     v128.load32_splat
     f32x4.add
     local.get $13
     i32.const 1216
     v128.load32_splat
     local.get $14
     f32x4.mul
     i32.const 1220
     v128.load32_splat
     f32x4.add
     f32x4.mul
     f32x4.add
     f32x4.mul
     f32x4.add
     local.get $13
     f32x4.mul
     local.get $14
     f32x4.add
     i32.const 1224
     v128.load32_splat
     f32x4.add
     local.tee $13
     local.get $17
     i32.const 1136
     v128.load32_splat
     v128.and
     i32.const 1152
     v128.load32_splat
     i32x4.sub
     local.tee $17
     i32.const 1168
     v128.load32_splat
     local.tee $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $18
     i32.const 1184
     v128.load32_splat
     f32x4.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.9"
     drop
     local.get $13
     local.get $17
     i32.const 1
     i32x4.shr_s
     local.tee $13
     local.get $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $17
     local.get $13
     i32x4.sub
     local.get $14
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
    end
    local.tee $13
    v128.store
    local.get $22
    local.get $13
    f64x2.promote_low_f32x4
    local.get $13
    local.get $13
    i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
    f64x2.promote_low_f32x4
    f64x2.add
    f64x2.add
    local.set $22
    local.get $3
    i32.const 4
    i32.add
    local.set $3
    br $for-loop|8
   end
  end
  local.get $22
  f64x2.extract_lane 0
  local.get $22
  f64x2.extract_lane 1
  f64.add
  local.set $11
  loop $for-loop|9
   local.get $0
   local.get $3
   i32.gt_s
   if
    local.get $3
    i32.const 2
    i32.shl
    local.tee $8
    local.get $2
    i32.add
    f32.load
    local.get $5
    f32.mul
    local.get $16
    f32.sub
    f64.promote_f32
    call $~lib/math/NativeMath.exp
    f32.demote_f64
    local.set $12
    local.get $4
    local.get $8
    i32.add
    local.get $12
    f32.store
    local.get $11
    local.get $12
    f64.promote_f32
    f64.add
    local.set $11
    local.get $3
    i32.const 1
    i32.add
    local.set $3
    br $for-loop|9
   end
  end
  local.get $16
  f64.promote_f32
  local.get $11
  call $~lib/math/NativeMath.log
  f64.add
  f32.demote_f64
  local.set $16
  f64.const 1
  local.get $11
  f64.div
  f32.demote_f64
  local.set $15
  local.get $5
  f32x4.splat
  local.set $14
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $27
  i32.const 0
  local.set $3
  loop $for-loop|10
   local.get $3
   i32.const 4
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $27
    local.get $3
    i32.const 2
    i32.shl
    local.tee $8
    local.get $4
    i32.add
    v128.load
    local.get $15
    f32x4.splat
    f32x4.mul
    local.tee $13
    local.get $2
    local.get $8
    i32.add
    v128.load
    local.get $14
    f32x4.mul
    local.get $16
    f32x4.splat
    f32x4.sub
    f32x4.mul
    local.get $13
    v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
    f32x4.eq
    v128.andnot
    local.get $13
    local.get $1
    local.get $8
    i32.add
    v128.load
    local.get $14
    f32x4.mul
    local.get $21
    f32x4.splat
    f32x4.sub
    f32x4.mul
    f32x4.sub
    local.tee $13
    f64x2.promote_low_f32x4
    local.get $13
    local.get $13
    i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
    f64x2.promote_low_f32x4
    f64x2.add
    f64x2.add
    local.set $27
    local.get $6
    if
     local.get $6
     local.get $8
     i32.add
     local.get $13
     local.get $7
     f32x4.splat
     f32x4.mul
     v128.store
    end
    local.get $3
    i32.const 4
    i32.add
    local.set $3
    br $for-loop|10
   end
  end
  local.get $27
  f64x2.extract_lane 0
  local.get $27
  f64x2.extract_lane 1
  f64.add
  local.set $11
  loop $for-loop|11
   local.get $0
   local.get $3
   i32.gt_s
   if
    local.get $11
    f32.const 0
    local.get $3
    i32.const 2
    i32.shl
    local.tee $8
    local.get $4
    i32.add
    f32.load
    local.get $15
    f32.mul
    local.tee $12
    local.get $2
    local.get $8
    i32.add
    f32.load
    local.get $5
    f32.mul
    local.get $16
    f32.sub
    f32.mul
    local.get $12
    f32.const 0
    f32.eq
    select
    local.get $12
    local.get $1
    local.get $8
    i32.add
    f32.load
    local.get $5
    f32.mul
    local.get $21
    f32.sub
    f32.mul
    f32.sub
    local.tee $12
    f64.promote_f32
    f64.add
    local.set $11
    local.get $6
    if
     local.get $6
     local.get $8
     i32.add
     local.get $12
     local.get $7
     f32.mul
     f32.store
    end
    local.get $3
    i32.const 1
    i32.add
    local.set $3
    br $for-loop|11
   end
  end
  local.get $11
 )
 (func $wasm/logits-rows/logitsRowBackward<f64> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 f64) (param $4 i32) (param $5 i32) (param $6 f64) (param $7 i32) (param $8 i32) (param $9 i32) (result f64)
  (local $10 i32)
  (local $11 i32)
  (local $12 v128)
  (local $13 v128)
  (local $14 f64)
  (local $15 f64)
  (local $16 f64)
  (local $17 v128)
  (local $18 v128)
  (local $19 f64)
  (local $20 f64)
  (local $21 f64)
  (local $22 i32)
  (local $23 v128)
  (local $24 v128)
  (local $25 f64)
  (local $26 v128)
  (local $27 v128)
  (local $28 v128)
  (local $29 v128)
  (local $30 v128)
  (local $31 v128)
  (local $32 f64)
  (local $33 f64)
  (local $34 f64)
  (local $35 v128)
  (local $36 v128)
  (local $37 v128)
  (local $38 f64)
  local.get $0
  i32.eqz
  if
   f64.const 0
   return
  end
  v128.const i32x4 0x00000000 0xfff00000 0x00000000 0xfff00000
  local.set $24
  v128.const i32x4 0x00000000 0xfff00000 0x00000000 0xfff00000
  local.set $31
  local.get $3
  f64x2.splat
  local.set $23
  loop $for-loop|0
   local.get $10
   i32.const 2
   i32.add
   local.tee $11
   local.get $0
   i32.le_s
   if
    local.get $24
    local.get $10
    i32.const 3
    i32.shl
    local.tee $10
    local.get $1
    i32.add
    v128.load
    local.get $23
    f64x2.mul
    local.tee $13
    f64x2.pmax
    local.set $24
    local.get $31
    local.get $2
    local.get $10
    i32.add
    v128.load
    local.get $23
    f64x2.mul
    local.tee $12
    f64x2.pmax
    local.set $31
    local.get $17
    local.get $13
    local.get $13
    f64x2.ne
    v128.or
    local.set $17
    local.get $18
    local.get $12
    local.get $12
    f64x2.ne
    v128.or
    local.set $18
    local.get $11
    local.set $10
    br $for-loop|0
   end
  end
  f64.const nan:0x8000000000000
  local.get $24
  f64x2.extract_lane 0
  local.get $24
  f64x2.extract_lane 1
  f64.max
  local.get $17
  v128.any_true
  select
  local.set $14
  f64.const nan:0x8000000000000
  local.get $31
  f64x2.extract_lane 0
  local.get $31
  f64x2.extract_lane 1
  f64.max
  local.get $18
  v128.any_true
  select
  local.set $16
  loop $for-loop|1
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $14
    local.get $10
    i32.const 3
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    f64.load
    local.get $3
    f64.mul
    f64.max
    local.set $14
    local.get $16
    local.get $2
    local.get $11
    i32.add
    f64.load
    local.get $3
    f64.mul
    f64.max
    local.set $16
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|1
   end
  end
  local.get $14
  global.set $wasm/logits-rows/rowMaxS
  local.get $16
  global.set $wasm/logits-rows/rowMaxT
  global.get $wasm/logits-rows/rowMaxT
  local.set $34
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $31
  local.get $3
  f64x2.splat
  local.set $26
  global.get $wasm/logits-rows/rowMaxS
  local.tee $25
  f64x2.splat
  local.set $24
  i32.const 0
  local.set $10
  loop $for-loop|2
   local.get $10
   i32.const 2
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $10
    i32.const 3
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    v128.load
    local.get $26
    f64x2.mul
    local.get $24
    f64x2.sub
    i32.const 1064
    v128.load64_splat
    f64x2.pmax
    local.tee $23
    i32.const 1080
    v128.load64_splat
    f64x2.mul
    i32.const 1096
    v128.load64_splat
    local.tee $12
    f64x2.add
    local.tee $18
    local.get $12
    f64x2.sub
    local.set $12
    local.get $23
    local.get $12
    i32.const 1112
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.get $12
    i32.const 1128
    v128.load64_splat
    f64x2.mul
    f64x2.sub
    local.tee $17
    local.get $17
    f64x2.mul
    local.tee $13
    local.get $13
    f64x2.mul
    local.set $12
    local.get $7
    local.get $11
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.10" (result v128)
     i32.const 1232
     v128.load64_splat
     local.get $17
     f64x2.add
     local.get $13
     i32.const 1240
     v128.load64_splat
     i32.const 1248
     v128.load64_splat
     local.get $17
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1256
     v128.load64_splat
     i32.const 1264
     v128.load64_splat
     local.get $17
     f64x2.mul
     f64x2.add
     local.get $13
     i32.const 1272
     v128.load64_splat
     i32.const 1280
     v128.load64_splat
     local.get $17
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $12
     local.get $12
     f64x2.mul
     i32.const 1288
     v128.load64_splat
     i32.const 1296
     v128.load64_splat
     local.get $17
     f64x2.mul
     f64x2.add
     local.get $13
     i32.const 1304
     v128.load64_splat
     i32.const 1312
     v128.load64_splat
     local.get $17
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.get $12
     i32.const 1320
     v128.load64_splat
     f64x2.mul
     f64x2.add
     f64x2.mul
     f64x2.add
     local.tee $12
     local.get $18
     i32.const 1144
     v128.load64_splat
     v128.and
     i32.const 1160
     v128.load64_splat
     i64x2.sub
     local.tee $17
     i32.const 1176
     v128.load64_splat
     local.tee $13
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $23
     i32.const 1192
     v128.load64_splat
     f64x2.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.10"
     drop
     local.get $12
     local.get $17
     i32.const 1
     i64x2.shr_s
     local.tee $12
     local.get $13
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
     local.get $17
     local.get $12
     i64x2.sub
     local.get $13
     i64x2.add
     i32.const 52
     i64x2.shl
     f64x2.mul
    end
    local.tee $12
    v128.store
    local.get $31
    local.get $12
    f64x2.add
    local.set $31
    local.get $10
    i32.const 2
    i32.add
    local.set $10
    br $for-loop|2
   end
  end
  local.get $31
  f64x2.extract_lane 0
  local.get $31
  f64x2.extract_lane 1
  f64.add
  local.set $16
  loop $for-loop|3
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $10
    i32.const 3
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    f64.load
    local.get $3
    f64.mul
    local.get $25
    f64.sub
    call $~lib/math/NativeMath.exp
    local.set $14
    local.get $7
    local.get $11
    i32.add
    local.get $14
    f64.store
    local.get $16
    local.get $14
    f64.add
    local.set $16
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|3
   end
  end
  local.get $16
  local.set $14
  local.get $5
  if
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $31
   local.get $3
   f64x2.splat
   local.set $26
   local.get $34
   f64x2.splat
   local.set $24
   i32.const 0
   local.set $10
   loop $for-loop|6
    local.get $10
    i32.const 2
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $10
     i32.const 3
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     v128.load
     local.get $26
     f64x2.mul
     local.get $24
     f64x2.sub
     i32.const 1064
     v128.load64_splat
     f64x2.pmax
     local.tee $23
     i32.const 1080
     v128.load64_splat
     f64x2.mul
     i32.const 1096
     v128.load64_splat
     local.tee $12
     f64x2.add
     local.tee $18
     local.get $12
     f64x2.sub
     local.set $12
     local.get $23
     local.get $12
     i32.const 1112
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.get $12
     i32.const 1128
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.tee $17
     local.get $17
     f64x2.mul
     local.tee $13
     local.get $13
     f64x2.mul
     local.set $12
     local.get $8
     local.get $11
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.12" (result v128)
      i32.const 1232
      v128.load64_splat
      local.get $17
      f64x2.add
      local.get $13
      i32.const 1240
      v128.load64_splat
      i32.const 1248
      v128.load64_splat
      local.get $17
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1256
      v128.load64_splat
      i32.const 1264
      v128.load64_splat
      local.get $17
      f64x2.mul
      f64x2.add
      local.get $13
      i32.const 1272
      v128.load64_splat
      i32.const 1280
      v128.load64_splat
      local.get $17
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      local.get $12
      f64x2.mul
      i32.const 1288
      v128.load64_splat
      i32.const 1296
      v128.load64_splat
      local.get $17
      f64x2.mul
      f64x2.add
      local.get $13
      i32.const 1304
      v128.load64_splat
      i32.const 1312
      v128.load64_splat
      local.get $17
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1320
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.tee $12
      local.get $18
      i32.const 1144
      v128.load64_splat
      v128.and
      i32.const 1160
      v128.load64_splat
      i64x2.sub
      local.tee $17
      i32.const 1176
      v128.load64_splat
      local.tee $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $23
      i32.const 1192
      v128.load64_splat
      f64x2.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.12"
      drop
      local.get $12
      local.get $17
      i32.const 1
      i64x2.shr_s
      local.tee $12
      local.get $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $17
      local.get $12
      i64x2.sub
      local.get $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
     end
     local.tee $12
     v128.store
     local.get $31
     local.get $12
     f64x2.add
     local.set $31
     local.get $10
     i32.const 2
     i32.add
     local.set $10
     br $for-loop|6
    end
   end
   local.get $31
   f64x2.extract_lane 0
   local.get $31
   f64x2.extract_lane 1
   f64.add
   local.set $16
   loop $for-loop|7
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $10
     i32.const 3
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     f64.load
     local.get $3
     f64.mul
     local.get $34
     f64.sub
     call $~lib/math/NativeMath.exp
     local.set $15
     local.get $8
     local.get $11
     i32.add
     local.get $15
     f64.store
     local.get $16
     local.get $15
     f64.add
     local.set $16
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|7
    end
   end
  else
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $31
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $17
   v128.const i32x4 0x00000000 0x7ff00000 0x00000000 0x7ff00000
   local.set $18
   local.get $3
   f64x2.splat
   local.set $30
   local.get $34
   f64x2.splat
   local.set $29
   i32.const 0
   local.set $10
   loop $for-loop|4
    local.get $10
    i32.const 2
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $10
     i32.const 3
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     v128.load
     local.set $28
     local.get $1
     local.get $11
     i32.add
     v128.load
     local.set $27
     local.get $28
     local.get $30
     f64x2.mul
     local.get $29
     f64x2.sub
     i32.const 1064
     v128.load64_splat
     f64x2.pmax
     local.tee $26
     i32.const 1080
     v128.load64_splat
     f64x2.mul
     i32.const 1096
     v128.load64_splat
     local.tee $12
     f64x2.add
     local.tee $24
     local.get $12
     f64x2.sub
     local.set $12
     local.get $26
     local.get $12
     i32.const 1112
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.get $12
     i32.const 1128
     v128.load64_splat
     f64x2.mul
     f64x2.sub
     local.tee $23
     local.get $23
     f64x2.mul
     local.tee $13
     local.get $13
     f64x2.mul
     local.set $12
     local.get $8
     local.get $11
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.11" (result v128)
      i32.const 1232
      v128.load64_splat
      local.get $23
      f64x2.add
      local.get $13
      i32.const 1240
      v128.load64_splat
      i32.const 1248
      v128.load64_splat
      local.get $23
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1256
      v128.load64_splat
      i32.const 1264
      v128.load64_splat
      local.get $23
      f64x2.mul
      f64x2.add
      local.get $13
      i32.const 1272
      v128.load64_splat
      i32.const 1280
      v128.load64_splat
      local.get $23
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      local.get $12
      f64x2.mul
      i32.const 1288
      v128.load64_splat
      i32.const 1296
      v128.load64_splat
      local.get $23
      f64x2.mul
      f64x2.add
      local.get $13
      i32.const 1304
      v128.load64_splat
      i32.const 1312
      v128.load64_splat
      local.get $23
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.get $12
      i32.const 1320
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.mul
      f64x2.add
      local.tee $12
      local.get $24
      i32.const 1144
      v128.load64_splat
      v128.and
      i32.const 1160
      v128.load64_splat
      i64x2.sub
      local.tee $23
      i32.const 1176
      v128.load64_splat
      local.tee $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $26
      i32.const 1192
      v128.load64_splat
      f64x2.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.11"
      drop
      local.get $12
      local.get $23
      i32.const 1
      i64x2.shr_s
      local.tee $12
      local.get $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
      local.get $23
      local.get $12
      i64x2.sub
      local.get $13
      i64x2.add
      i32.const 52
      i64x2.shl
      f64x2.mul
     end
     local.tee $12
     v128.store
     local.get $31
     local.get $12
     f64x2.add
     local.set $31
     local.get $18
     local.get $12
     f64x2.pmin
     local.set $18
     local.get $17
     local.get $12
     local.get $27
     local.get $28
     local.get $27
     f64x2.sub
     local.get $12
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f64x2.eq
     v128.bitselect
     f64x2.mul
     f64x2.add
     local.set $17
     local.get $10
     i32.const 2
     i32.add
     local.set $10
     br $for-loop|4
    end
   end
   local.get $31
   f64x2.extract_lane 0
   local.get $31
   f64x2.extract_lane 1
   f64.add
   local.set $16
   local.get $17
   f64x2.extract_lane 0
   local.get $17
   f64x2.extract_lane 1
   f64.add
   local.set $38
   local.get $18
   f64x2.extract_lane 0
   local.get $18
   f64x2.extract_lane 1
   f64.min
   local.set $15
   loop $for-loop|5
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $10
     i32.const 3
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     f64.load
     local.set $21
     local.get $1
     local.get $11
     i32.add
     f64.load
     local.set $20
     local.get $8
     local.get $11
     i32.add
     local.get $21
     local.get $3
     f64.mul
     local.get $34
     f64.sub
     call $~lib/math/NativeMath.exp
     local.tee $19
     f64.store
     local.get $16
     local.get $19
     f64.add
     local.set $16
     local.get $15
     local.get $19
     f64.min
     local.set $15
     local.get $38
     local.get $19
     local.get $20
     local.get $21
     local.get $20
     f64.sub
     local.get $19
     f64.const 0
     f64.eq
     select
     f64.mul
     f64.add
     local.set $38
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|5
    end
   end
   local.get $38
   global.set $wasm/logits-rows/rowDot
   local.get $15
   global.set $wasm/logits-rows/rowMinE
  end
  local.get $25
  local.get $14
  call $~lib/math/NativeMath.log
  f64.add
  local.set $33
  local.get $34
  local.get $16
  call $~lib/math/NativeMath.log
  f64.add
  local.set $32
  local.get $3
  f64x2.splat
  local.set $31
  local.get $6
  f64x2.splat
  local.set $30
  local.get $5
  if (result f64)
   f64.const 0
  else
   local.get $4
   f64.load
  end
  f64x2.splat
  local.set $29
  f64.const 1
  local.get $14
  f64.div
  f64x2.splat
  local.set $17
  f64.const 1
  local.get $16
  f64.div
  f64x2.splat
  local.set $18
  local.get $5
  if (result f64)
   local.get $17
   local.set $13
   local.get $18
   local.set $12
   local.get $3
   f64x2.splat
   local.set $28
   local.get $6
   f64x2.splat
   local.set $27
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $17
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $18
   i32.const 0
   local.set $10
   loop $for-loop|8
    local.get $10
    i32.const 2
    i32.add
    local.tee $11
    local.get $0
    i32.le_s
    if
     local.get $17
     local.get $10
     i32.const 3
     i32.shl
     local.tee $10
     local.get $8
     i32.add
     local.tee $22
     v128.load
     local.get $12
     f64x2.mul
     local.tee $26
     local.get $2
     local.get $10
     i32.add
     v128.load
     local.get $28
     f64x2.mul
     local.get $32
     f64x2.splat
     f64x2.sub
     local.tee $24
     f64x2.mul
     local.get $26
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f64x2.eq
     local.tee $23
     v128.andnot
     local.get $26
     local.get $1
     local.get $10
     i32.add
     v128.load
     local.get $28
     f64x2.mul
     local.get $33
     f64x2.splat
     f64x2.sub
     local.tee $36
     f64x2.mul
     f64x2.sub
     f64x2.add
     local.set $17
     local.get $18
     local.get $4
     local.get $10
     i32.add
     v128.load
     local.get $27
     f64x2.mul
     local.tee $35
     local.get $26
     f64x2.mul
     f64x2.add
     local.set $18
     local.get $37
     local.get $26
     local.get $35
     local.get $24
     i32.const 1512
     v128.load64_splat
     i32.const 1520
     v128.load64_splat
     local.get $23
     local.get $26
     local.get $26
     f64x2.ne
     v128.or
     v128.bitselect
     f64x2.add
     local.get $36
     f64x2.sub
     f64x2.mul
     f64x2.mul
     f64x2.add
     local.set $37
     local.get $7
     local.get $10
     i32.add
     local.tee $10
     local.get $10
     v128.load
     local.get $13
     f64x2.mul
     v128.store
     local.get $22
     local.get $26
     v128.store
     local.get $11
     local.set $10
     br $for-loop|8
    end
   end
   local.get $17
   f64x2.extract_lane 0
   local.get $17
   f64x2.extract_lane 1
   f64.add
   local.set $15
   local.get $18
   f64x2.extract_lane 0
   local.get $18
   f64x2.extract_lane 1
   f64.add
   local.set $38
   local.get $37
   f64x2.extract_lane 0
   local.get $37
   f64x2.extract_lane 1
   f64.add
   local.set $34
   loop $for-loop|9
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $15
     f64.const 0
     local.get $10
     i32.const 3
     i32.shl
     local.tee $11
     local.get $8
     i32.add
     local.tee $22
     f64.load
     local.get $16
     f64.div
     local.tee $20
     local.get $2
     local.get $11
     i32.add
     f64.load
     local.get $3
     f64.mul
     local.get $32
     f64.sub
     local.tee $19
     f64.mul
     local.get $20
     f64.const 0
     f64.eq
     select
     local.get $20
     local.get $1
     local.get $11
     i32.add
     f64.load
     local.get $3
     f64.mul
     local.get $33
     f64.sub
     local.tee $25
     f64.mul
     f64.sub
     f64.add
     local.set $15
     local.get $38
     local.get $4
     local.get $11
     i32.add
     f64.load
     local.get $6
     f64.mul
     local.tee $21
     local.get $20
     f64.mul
     f64.add
     local.set $38
     local.get $34
     local.get $20
     local.get $21
     local.get $19
     local.get $20
     local.get $20
     f64.div
     f64.add
     local.get $25
     f64.sub
     f64.mul
     f64.mul
     f64.add
     local.set $34
     local.get $7
     local.get $11
     i32.add
     local.tee $11
     local.get $11
     f64.load
     local.get $14
     f64.div
     f64.store
     local.get $22
     local.get $20
     f64.store
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|9
    end
   end
   local.get $38
   global.set $wasm/logits-rows/rowSumU
   local.get $34
   global.set $wasm/logits-rows/rowSumPW
   local.get $15
   local.set $14
   global.get $wasm/logits-rows/rowSumU
   local.set $15
   v128.const i32x4 0x00000000 0x3ff00000 0x00000000 0x3ff00000
   local.set $17
   v128.const i32x4 0x00000000 0x3ff00000 0x00000000 0x3ff00000
   local.set $18
   global.get $wasm/logits-rows/rowSumPW
  else
   f64.const nan:0x8000000000000
   local.get $4
   f64.load
   local.get $6
   f64.mul
   local.tee $15
   local.get $3
   global.get $wasm/logits-rows/rowDot
   f64.mul
   local.get $16
   f64.div
   local.get $25
   local.get $14
   call $~lib/math/NativeMath.log
   f64.add
   f64.add
   local.get $34
   local.get $16
   call $~lib/math/NativeMath.log
   f64.add
   f64.sub
   local.tee $14
   f64.const 1
   f64.add
   f64.mul
   global.get $wasm/logits-rows/rowMinE
   f64.const 1
   local.get $16
   f64.div
   f64.mul
   f64.const 0
   f64.eq
   select
  end
  local.set $25
  local.get $15
  f64x2.splat
  local.set $24
  local.get $25
  f64x2.splat
  local.set $23
  i32.const 0
  local.set $10
  loop $for-loop|10
   local.get $10
   i32.const 2
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $10
    i32.const 3
    i32.shl
    local.tee $22
    local.get $8
    i32.add
    v128.load
    local.get $18
    f64x2.mul
    local.set $13
    local.get $7
    local.get $22
    i32.add
    local.tee $11
    v128.load
    local.get $17
    f64x2.mul
    local.get $24
    f64x2.mul
    local.set $12
    local.get $11
    local.get $31
    local.get $12
    local.get $5
    if (result v128)
     local.get $4
     local.get $22
     i32.add
     v128.load
    else
     local.get $29
    end
    local.get $30
    f64x2.mul
    local.tee $12
    local.get $13
    f64x2.mul
    f64x2.sub
    f64x2.mul
    v128.store
    local.get $9
    if
     local.get $8
     local.get $22
     i32.add
     local.get $31
     local.get $13
     f64x2.mul
     local.get $12
     local.get $2
     local.get $22
     i32.add
     v128.load
     local.get $31
     f64x2.mul
     local.get $32
     f64x2.splat
     f64x2.sub
     i32.const 1512
     v128.load64_splat
     i32.const 1520
     v128.load64_splat
     local.get $13
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f64x2.eq
     local.get $13
     local.get $13
     f64x2.ne
     v128.or
     v128.bitselect
     f64x2.add
     local.get $1
     local.get $22
     i32.add
     v128.load
     local.get $31
     f64x2.mul
     local.get $33
     f64x2.splat
     f64x2.sub
     f64x2.sub
     f64x2.mul
     local.get $23
     f64x2.sub
     f64x2.mul
     v128.store
    end
    local.get $10
    i32.const 2
    i32.add
    local.set $10
    br $for-loop|10
   end
  end
  loop $for-loop|11
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $10
    i32.const 3
    i32.shl
    local.tee $22
    local.get $1
    i32.add
    f64.load
    local.get $3
    f64.mul
    local.get $33
    f64.sub
    local.set $21
    local.get $2
    local.get $22
    i32.add
    f64.load
    local.get $3
    f64.mul
    local.get $32
    f64.sub
    local.set $20
    local.get $7
    local.get $22
    i32.add
    local.tee $11
    local.get $3
    local.get $11
    f64.load
    local.get $17
    f64x2.extract_lane 0
    f64.mul
    local.get $15
    f64.mul
    local.get $4
    local.get $22
    i32.add
    local.get $4
    local.get $5
    select
    f64.load
    local.get $6
    f64.mul
    local.tee $19
    local.get $8
    local.get $22
    i32.add
    local.tee $11
    f64.load
    local.get $18
    f64x2.extract_lane 0
    f64.mul
    local.tee $16
    f64.mul
    f64.sub
    f64.mul
    f64.store
    local.get $9
    if
     local.get $11
     local.get $3
     local.get $16
     f64.mul
     local.get $19
     local.get $20
     local.get $16
     local.get $16
     f64.div
     f64.add
     local.get $21
     f64.sub
     f64.mul
     local.get $25
     f64.sub
     f64.mul
     f64.store
    end
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|11
   end
  end
  local.get $14
 )
 (func $wasm/logits-rows/logitsRowBackward<f32> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 f32) (param $4 i32) (param $5 i32) (param $6 f32) (param $7 i32) (param $8 i32) (param $9 i32) (result f64)
  (local $10 i32)
  (local $11 i32)
  (local $12 v128)
  (local $13 v128)
  (local $14 f64)
  (local $15 f64)
  (local $16 f64)
  (local $17 v128)
  (local $18 v128)
  (local $19 f32)
  (local $20 f32)
  (local $21 f32)
  (local $22 f32)
  (local $23 i32)
  (local $24 v128)
  (local $25 v128)
  (local $26 v128)
  (local $27 v128)
  (local $28 v128)
  (local $29 v128)
  (local $30 v128)
  (local $31 f32)
  (local $32 f32)
  (local $33 f32)
  (local $34 v128)
  (local $35 v128)
  (local $36 v128)
  (local $37 f64)
  (local $38 f64)
  (local $39 v128)
  local.get $0
  i32.eqz
  if
   f64.const 0
   return
  end
  v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
  local.set $30
  v128.const i32x4 0xff800000 0xff800000 0xff800000 0xff800000
  local.set $26
  local.get $3
  f32x4.splat
  local.set $24
  loop $for-loop|0
   local.get $10
   i32.const 4
   i32.add
   local.tee $11
   local.get $0
   i32.le_s
   if
    local.get $30
    local.get $10
    i32.const 2
    i32.shl
    local.tee $10
    local.get $1
    i32.add
    v128.load
    local.get $24
    f32x4.mul
    local.tee $13
    f32x4.pmax
    local.set $30
    local.get $26
    local.get $2
    local.get $10
    i32.add
    v128.load
    local.get $24
    f32x4.mul
    local.tee $12
    f32x4.pmax
    local.set $26
    local.get $17
    local.get $13
    local.get $13
    f32x4.ne
    v128.or
    local.set $17
    local.get $18
    local.get $12
    local.get $12
    f32x4.ne
    v128.or
    local.set $18
    local.get $11
    local.set $10
    br $for-loop|0
   end
  end
  f32.const nan:0x400000
  local.get $30
  f32x4.extract_lane 2
  local.get $30
  f32x4.extract_lane 3
  f32.max
  local.get $30
  f32x4.extract_lane 0
  local.get $30
  f32x4.extract_lane 1
  f32.max
  f32.max
  local.get $17
  v128.any_true
  select
  local.set $31
  f32.const nan:0x400000
  local.get $26
  f32x4.extract_lane 2
  local.get $26
  f32x4.extract_lane 3
  f32.max
  local.get $26
  f32x4.extract_lane 0
  local.get $26
  f32x4.extract_lane 1
  f32.max
  f32.max
  local.get $18
  v128.any_true
  select
  local.set $19
  loop $for-loop|1
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $31
    local.get $10
    i32.const 2
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    f32.load
    local.get $3
    f32.mul
    f32.max
    local.set $31
    local.get $19
    local.get $2
    local.get $11
    i32.add
    f32.load
    local.get $3
    f32.mul
    f32.max
    local.set $19
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|1
   end
  end
  local.get $31
  f64.promote_f32
  global.set $wasm/logits-rows/rowMaxS
  local.get $19
  f64.promote_f32
  global.set $wasm/logits-rows/rowMaxT
  global.get $wasm/logits-rows/rowMaxT
  f32.demote_f64
  local.set $33
  v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
  local.set $26
  local.get $3
  f32x4.splat
  local.set $25
  global.get $wasm/logits-rows/rowMaxS
  f32.demote_f64
  local.tee $22
  f32x4.splat
  local.set $24
  i32.const 0
  local.set $10
  loop $for-loop|2
   local.get $10
   i32.const 4
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $10
    i32.const 2
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    v128.load
    local.get $25
    f32x4.mul
    local.get $24
    f32x4.sub
    i32.const 1056
    v128.load32_splat
    f32x4.pmax
    local.tee $18
    i32.const 1072
    v128.load32_splat
    f32x4.mul
    i32.const 1088
    v128.load32_splat
    local.tee $12
    f32x4.add
    local.tee $17
    local.get $12
    f32x4.sub
    local.set $12
    local.get $18
    local.get $12
    i32.const 1104
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.get $12
    i32.const 1120
    v128.load32_splat
    f32x4.mul
    f32x4.sub
    local.tee $13
    local.get $13
    f32x4.mul
    local.set $12
    local.get $7
    local.get $11
    i32.add
    block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.10" (result v128)
     i32.const 1200
     v128.load32_splat
     local.get $13
     f32x4.mul
     i32.const 1204
     v128.load32_splat
     f32x4.add
     local.get $12
     i32.const 1208
     v128.load32_splat
     local.get $13
     f32x4.mul
     i32.const 1212
     v128.load32_splat
     f32x4.add
     local.get $12
     i32.const 1216
     v128.load32_splat
     local.get $13
     f32x4.mul
     i32.const 1220
     v128.load32_splat
     f32x4.add
     f32x4.mul
     f32x4.add
     f32x4.mul
     f32x4.add
     local.get $12
     f32x4.mul
     local.get $13
     f32x4.add
     i32.const 1224
     v128.load32_splat
     f32x4.add
     local.tee $12
     local.get $17
     i32.const 1136
     v128.load32_splat
     v128.and
     i32.const 1152
     v128.load32_splat
     i32x4.sub
     local.tee $17
     i32.const 1168
     v128.load32_splat
     local.tee $13
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $18
     i32.const 1184
     v128.load32_splat
     f32x4.lt
     v128.any_true
     i32.eqz
     br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.10"
     drop
     local.get $12
     local.get $17
     i32.const 1
     i32x4.shr_s
     local.tee $12
     local.get $13
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
     local.get $17
     local.get $12
     i32x4.sub
     local.get $13
     i32x4.add
     i32.const 23
     i32x4.shl
     f32x4.mul
    end
    local.tee $12
    v128.store
    local.get $26
    local.get $12
    f64x2.promote_low_f32x4
    local.get $12
    local.get $12
    i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
    f64x2.promote_low_f32x4
    f64x2.add
    f64x2.add
    local.set $26
    local.get $10
    i32.const 4
    i32.add
    local.set $10
    br $for-loop|2
   end
  end
  local.get $26
  f64x2.extract_lane 0
  local.get $26
  f64x2.extract_lane 1
  f64.add
  local.set $16
  loop $for-loop|3
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $10
    i32.const 2
    i32.shl
    local.tee $11
    local.get $1
    i32.add
    f32.load
    local.get $3
    f32.mul
    local.get $22
    f32.sub
    f64.promote_f32
    call $~lib/math/NativeMath.exp
    f32.demote_f64
    local.set $19
    local.get $7
    local.get $11
    i32.add
    local.get $19
    f32.store
    local.get $16
    local.get $19
    f64.promote_f32
    f64.add
    local.set $16
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|3
   end
  end
  local.get $16
  local.set $14
  local.get $5
  if
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $26
   local.get $3
   f32x4.splat
   local.set $25
   local.get $33
   f32x4.splat
   local.set $24
   i32.const 0
   local.set $10
   loop $for-loop|6
    local.get $10
    i32.const 4
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $10
     i32.const 2
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     v128.load
     local.get $25
     f32x4.mul
     local.get $24
     f32x4.sub
     i32.const 1056
     v128.load32_splat
     f32x4.pmax
     local.tee $18
     i32.const 1072
     v128.load32_splat
     f32x4.mul
     i32.const 1088
     v128.load32_splat
     local.tee $12
     f32x4.add
     local.tee $17
     local.get $12
     f32x4.sub
     local.set $12
     local.get $18
     local.get $12
     i32.const 1104
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.get $12
     i32.const 1120
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.tee $13
     local.get $13
     f32x4.mul
     local.set $12
     local.get $8
     local.get $11
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.12" (result v128)
      i32.const 1200
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1204
      v128.load32_splat
      f32x4.add
      local.get $12
      i32.const 1208
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1212
      v128.load32_splat
      f32x4.add
      local.get $12
      i32.const 1216
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1220
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $12
      f32x4.mul
      local.get $13
      f32x4.add
      i32.const 1224
      v128.load32_splat
      f32x4.add
      local.tee $12
      local.get $17
      i32.const 1136
      v128.load32_splat
      v128.and
      i32.const 1152
      v128.load32_splat
      i32x4.sub
      local.tee $17
      i32.const 1168
      v128.load32_splat
      local.tee $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $18
      i32.const 1184
      v128.load32_splat
      f32x4.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.12"
      drop
      local.get $12
      local.get $17
      i32.const 1
      i32x4.shr_s
      local.tee $12
      local.get $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $17
      local.get $12
      i32x4.sub
      local.get $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
     end
     local.tee $12
     v128.store
     local.get $26
     local.get $12
     f64x2.promote_low_f32x4
     local.get $12
     local.get $12
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $26
     local.get $10
     i32.const 4
     i32.add
     local.set $10
     br $for-loop|6
    end
   end
   local.get $26
   f64x2.extract_lane 0
   local.get $26
   f64x2.extract_lane 1
   f64.add
   local.set $16
   loop $for-loop|7
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $10
     i32.const 2
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     f32.load
     local.get $3
     f32.mul
     local.get $33
     f32.sub
     f64.promote_f32
     call $~lib/math/NativeMath.exp
     f32.demote_f64
     local.set $19
     local.get $8
     local.get $11
     i32.add
     local.get $19
     f32.store
     local.get $16
     local.get $19
     f64.promote_f32
     f64.add
     local.set $16
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|7
    end
   end
  else
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $17
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $18
   v128.const i32x4 0x7f800000 0x7f800000 0x7f800000 0x7f800000
   local.set $30
   local.get $3
   f32x4.splat
   local.set $29
   local.get $33
   f32x4.splat
   local.set $28
   i32.const 0
   local.set $10
   loop $for-loop|4
    local.get $10
    i32.const 4
    i32.add
    local.get $0
    i32.le_s
    if
     local.get $10
     i32.const 2
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     v128.load
     local.set $27
     local.get $1
     local.get $11
     i32.add
     v128.load
     local.set $26
     local.get $27
     local.get $29
     f32x4.mul
     local.get $28
     f32x4.sub
     i32.const 1056
     v128.load32_splat
     f32x4.pmax
     local.tee $25
     i32.const 1072
     v128.load32_splat
     f32x4.mul
     i32.const 1088
     v128.load32_splat
     local.tee $12
     f32x4.add
     local.tee $24
     local.get $12
     f32x4.sub
     local.set $12
     local.get $25
     local.get $12
     i32.const 1104
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.get $12
     i32.const 1120
     v128.load32_splat
     f32x4.mul
     f32x4.sub
     local.tee $13
     local.get $13
     f32x4.mul
     local.set $12
     local.get $8
     local.get $11
     i32.add
     block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.11" (result v128)
      i32.const 1200
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1204
      v128.load32_splat
      f32x4.add
      local.get $12
      i32.const 1208
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1212
      v128.load32_splat
      f32x4.add
      local.get $12
      i32.const 1216
      v128.load32_splat
      local.get $13
      f32x4.mul
      i32.const 1220
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $12
      f32x4.mul
      local.get $13
      f32x4.add
      i32.const 1224
      v128.load32_splat
      f32x4.add
      local.tee $12
      local.get $24
      i32.const 1136
      v128.load32_splat
      v128.and
      i32.const 1152
      v128.load32_splat
      i32x4.sub
      local.tee $24
      i32.const 1168
      v128.load32_splat
      local.tee $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $25
      i32.const 1184
      v128.load32_splat
      f32x4.lt
      v128.any_true
      i32.eqz
      br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.11"
      drop
      local.get $12
      local.get $24
      i32.const 1
      i32x4.shr_s
      local.tee $12
      local.get $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
      local.get $24
      local.get $12
      i32x4.sub
      local.get $13
      i32x4.add
      i32.const 23
      i32x4.shl
      f32x4.mul
     end
     local.tee $12
     v128.store
     local.get $17
     local.get $12
     f64x2.promote_low_f32x4
     local.get $12
     local.get $12
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $17
     local.get $30
     local.get $12
     f32x4.pmin
     local.set $30
     local.get $18
     local.get $12
     local.get $26
     local.get $27
     local.get $26
     f32x4.sub
     local.get $12
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f32x4.eq
     v128.bitselect
     f32x4.mul
     local.tee $12
     f64x2.promote_low_f32x4
     local.get $12
     local.get $12
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $18
     local.get $10
     i32.const 4
     i32.add
     local.set $10
     br $for-loop|4
    end
   end
   local.get $17
   f64x2.extract_lane 0
   local.get $17
   f64x2.extract_lane 1
   f64.add
   local.set $16
   local.get $18
   f64x2.extract_lane 0
   local.get $18
   f64x2.extract_lane 1
   f64.add
   local.set $15
   local.get $30
   f32x4.extract_lane 2
   local.get $30
   f32x4.extract_lane 3
   f32.min
   local.get $30
   f32x4.extract_lane 0
   local.get $30
   f32x4.extract_lane 1
   f32.min
   f32.min
   local.set $31
   loop $for-loop|5
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $10
     i32.const 2
     i32.shl
     local.tee $11
     local.get $2
     i32.add
     f32.load
     local.set $21
     local.get $1
     local.get $11
     i32.add
     f32.load
     local.set $20
     local.get $8
     local.get $11
     i32.add
     local.get $21
     local.get $3
     f32.mul
     local.get $33
     f32.sub
     f64.promote_f32
     call $~lib/math/NativeMath.exp
     f32.demote_f64
     local.tee $19
     f32.store
     local.get $16
     local.get $19
     f64.promote_f32
     f64.add
     local.set $16
     local.get $19
     local.get $31
     f32.min
     local.set $31
     local.get $15
     local.get $19
     local.get $20
     local.get $21
     local.get $20
     f32.sub
     local.get $19
     f32.const 0
     f32.eq
     select
     f32.mul
     f64.promote_f32
     f64.add
     local.set $15
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|5
    end
   end
   local.get $15
   global.set $wasm/logits-rows/rowDot
   local.get $31
   f64.promote_f32
   global.set $wasm/logits-rows/rowMinE
  end
  local.get $22
  f64.promote_f32
  local.get $14
  call $~lib/math/NativeMath.log
  f64.add
  f32.demote_f64
  local.set $32
  local.get $33
  f64.promote_f32
  local.get $16
  call $~lib/math/NativeMath.log
  f64.add
  f32.demote_f64
  local.set $31
  local.get $3
  f32x4.splat
  local.set $30
  local.get $6
  f32x4.splat
  local.set $29
  local.get $5
  if (result f32)
   f32.const 0
  else
   local.get $4
   f32.load
  end
  f32x4.splat
  local.set $28
  f64.const 1
  local.get $14
  f64.div
  f32.demote_f64
  f32x4.splat
  local.set $17
  f64.const 1
  local.get $16
  f64.div
  f32.demote_f64
  f32x4.splat
  local.set $18
  local.get $5
  if (result f64)
   local.get $17
   local.set $13
   local.get $18
   local.set $12
   local.get $3
   f32x4.splat
   local.set $27
   local.get $6
   f32x4.splat
   local.set $26
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $17
   v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
   local.set $18
   i32.const 0
   local.set $10
   loop $for-loop|8
    local.get $10
    i32.const 4
    i32.add
    local.tee $11
    local.get $0
    i32.le_s
    if
     local.get $17
     local.get $10
     i32.const 2
     i32.shl
     local.tee $10
     local.get $8
     i32.add
     local.tee $23
     v128.load
     local.get $12
     f32x4.mul
     local.tee $25
     local.get $2
     local.get $10
     i32.add
     v128.load
     local.get $27
     f32x4.mul
     local.get $31
     f32x4.splat
     f32x4.sub
     local.tee $24
     f32x4.mul
     local.get $25
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f32x4.eq
     local.tee $36
     v128.andnot
     local.get $25
     local.get $1
     local.get $10
     i32.add
     v128.load
     local.get $27
     f32x4.mul
     local.get $32
     f32x4.splat
     f32x4.sub
     local.tee $35
     f32x4.mul
     f32x4.sub
     local.tee $17
     f64x2.promote_low_f32x4
     local.get $17
     local.get $17
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $17
     local.get $18
     local.get $4
     local.get $10
     i32.add
     v128.load
     local.get $26
     f32x4.mul
     local.tee $34
     local.get $25
     f32x4.mul
     local.tee $18
     f64x2.promote_low_f32x4
     local.get $18
     local.get $18
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $18
     local.get $39
     local.get $25
     local.get $34
     local.get $24
     i32.const 1504
     v128.load32_splat
     i32.const 1508
     v128.load32_splat
     local.get $36
     local.get $25
     local.get $25
     f32x4.ne
     v128.or
     v128.bitselect
     f32x4.add
     local.get $35
     f32x4.sub
     f32x4.mul
     f32x4.mul
     local.tee $24
     f64x2.promote_low_f32x4
     local.get $24
     local.get $24
     i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
     f64x2.promote_low_f32x4
     f64x2.add
     f64x2.add
     local.set $39
     local.get $7
     local.get $10
     i32.add
     local.tee $10
     local.get $10
     v128.load
     local.get $13
     f32x4.mul
     v128.store
     local.get $23
     local.get $25
     v128.store
     local.get $11
     local.set $10
     br $for-loop|8
    end
   end
   local.get $17
   f64x2.extract_lane 0
   local.get $17
   f64x2.extract_lane 1
   f64.add
   local.set $15
   local.get $18
   f64x2.extract_lane 0
   local.get $18
   f64x2.extract_lane 1
   f64.add
   local.set $38
   local.get $39
   f64x2.extract_lane 0
   local.get $39
   f64x2.extract_lane 1
   f64.add
   local.set $37
   loop $for-loop|9
    local.get $0
    local.get $10
    i32.gt_s
    if
     local.get $15
     f32.const 0
     local.get $10
     i32.const 2
     i32.shl
     local.tee $11
     local.get $8
     i32.add
     local.tee $23
     f32.load
     local.get $16
     f32.demote_f64
     f32.div
     local.tee $22
     local.get $2
     local.get $11
     i32.add
     f32.load
     local.get $3
     f32.mul
     local.get $31
     f32.sub
     local.tee $21
     f32.mul
     local.get $22
     f32.const 0
     f32.eq
     select
     local.get $22
     local.get $1
     local.get $11
     i32.add
     f32.load
     local.get $3
     f32.mul
     local.get $32
     f32.sub
     local.tee $20
     f32.mul
     f32.sub
     f64.promote_f32
     f64.add
     local.set $15
     local.get $38
     local.get $4
     local.get $11
     i32.add
     f32.load
     local.get $6
     f32.mul
     local.tee $19
     local.get $22
     f32.mul
     f64.promote_f32
     f64.add
     local.set $38
     local.get $37
     local.get $22
     local.get $19
     local.get $21
     local.get $22
     local.get $22
     f32.div
     f32.add
     local.get $20
     f32.sub
     f32.mul
     f32.mul
     f64.promote_f32
     f64.add
     local.set $37
     local.get $7
     local.get $11
     i32.add
     local.tee $11
     local.get $11
     f32.load
     local.get $14
     f32.demote_f64
     f32.div
     f32.store
     local.get $23
     local.get $22
     f32.store
     local.get $10
     i32.const 1
     i32.add
     local.set $10
     br $for-loop|9
    end
   end
   local.get $38
   global.set $wasm/logits-rows/rowSumU
   local.get $37
   global.set $wasm/logits-rows/rowSumPW
   local.get $15
   local.set $14
   global.get $wasm/logits-rows/rowSumU
   local.set $15
   v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
   local.set $17
   v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000
   local.set $18
   global.get $wasm/logits-rows/rowSumPW
  else
   local.get $3
   f64.promote_f32
   global.get $wasm/logits-rows/rowDot
   f64.mul
   local.get $16
   f64.div
   local.get $22
   f64.promote_f32
   local.get $14
   call $~lib/math/NativeMath.log
   f64.add
   f64.add
   local.get $33
   f64.promote_f32
   local.get $16
   call $~lib/math/NativeMath.log
   f64.add
   f64.sub
   local.set $14
   local.get $4
   f32.load
   local.get $6
   f32.mul
   local.tee $19
   f64.promote_f32
   local.set $15
   global.get $wasm/logits-rows/rowMinE
   f32.demote_f64
   f64.const 1
   local.get $16
   f64.div
   f32.demote_f64
   f32.mul
   f32.const 0
   f32.eq
   if (result f64)
    f64.const nan:0x8000000000000
   else
    local.get $19
    f64.promote_f32
    local.get $14
    f64.const 1
    f64.add
    f64.mul
   end
  end
  local.set $16
  local.get $15
  f32.demote_f64
  f32x4.splat
  local.set $25
  local.get $16
  f32.demote_f64
  f32x4.splat
  local.set $24
  i32.const 0
  local.set $10
  loop $for-loop|10
   local.get $10
   i32.const 4
   i32.add
   local.get $0
   i32.le_s
   if
    local.get $10
    i32.const 2
    i32.shl
    local.tee $23
    local.get $8
    i32.add
    v128.load
    local.get $18
    f32x4.mul
    local.set $13
    local.get $7
    local.get $23
    i32.add
    local.tee $11
    v128.load
    local.get $17
    f32x4.mul
    local.get $25
    f32x4.mul
    local.set $12
    local.get $11
    local.get $30
    local.get $12
    local.get $5
    if (result v128)
     local.get $4
     local.get $23
     i32.add
     v128.load
    else
     local.get $28
    end
    local.get $29
    f32x4.mul
    local.tee $12
    local.get $13
    f32x4.mul
    f32x4.sub
    f32x4.mul
    v128.store
    local.get $9
    if
     local.get $8
     local.get $23
     i32.add
     local.get $30
     local.get $13
     f32x4.mul
     local.get $12
     local.get $2
     local.get $23
     i32.add
     v128.load
     local.get $30
     f32x4.mul
     local.get $31
     f32x4.splat
     f32x4.sub
     i32.const 1504
     v128.load32_splat
     i32.const 1508
     v128.load32_splat
     local.get $13
     v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
     f32x4.eq
     local.get $13
     local.get $13
     f32x4.ne
     v128.or
     v128.bitselect
     f32x4.add
     local.get $1
     local.get $23
     i32.add
     v128.load
     local.get $30
     f32x4.mul
     local.get $32
     f32x4.splat
     f32x4.sub
     f32x4.sub
     f32x4.mul
     local.get $24
     f32x4.sub
     f32x4.mul
     v128.store
    end
    local.get $10
    i32.const 4
    i32.add
    local.set $10
    br $for-loop|10
   end
  end
  loop $for-loop|11
   local.get $0
   local.get $10
   i32.gt_s
   if
    local.get $10
    i32.const 2
    i32.shl
    local.tee $23
    local.get $1
    i32.add
    f32.load
    local.get $3
    f32.mul
    local.get $32
    f32.sub
    local.set $22
    local.get $2
    local.get $23
    i32.add
    f32.load
    local.get $3
    f32.mul
    local.get $31
    f32.sub
    local.set $21
    local.get $7
    local.get $23
    i32.add
    local.tee $11
    local.get $3
    local.get $11
    f32.load
    local.get $17
    f32x4.extract_lane 0
    f32.mul
    local.get $15
    f32.demote_f64
    f32.mul
    local.get $4
    local.get $23
    i32.add
    local.get $4
    local.get $5
    select
    f32.load
    local.get $6
    f32.mul
    local.tee $20
    local.get $8
    local.get $23
    i32.add
    local.tee $11
    f32.load
    local.get $18
    f32x4.extract_lane 0
    f32.mul
    local.tee $19
    f32.mul
    f32.sub
    f32.mul
    f32.store
    local.get $9
    if
     local.get $11
     local.get $3
     local.get $19
     f32.mul
     local.get $20
     local.get $21
     local.get $19
     local.get $19
     f32.div
     f32.add
     local.get $22
     f32.sub
     f32.mul
     local.get $16
     f32.demote_f64
     f32.sub
     f32.mul
     f32.store
    end
    local.get $10
    i32.const 1
    i32.add
    local.set $10
    br $for-loop|11
   end
  end
  local.get $14
 )
 (func $wasm/kl-div/logitsRowForwardF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64) (param $6 i32) (param $7 f64) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  call $wasm/logits-rows/logitsRowForward<f64>
 )
 (func $wasm/kl-div/logitsRowForwardF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f32) (param $6 i32) (param $7 f32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  call $wasm/logits-rows/logitsRowForward<f32>
 )
 (func $wasm/kl-div/logitsRowBackwardF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 f64) (param $4 i32) (param $5 i32) (param $6 f64) (param $7 i32) (param $8 i32) (param $9 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  local.get $8
  local.get $9
  call $wasm/logits-rows/logitsRowBackward<f64>
 )
 (func $wasm/kl-div/logitsRowBackwardF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 f32) (param $4 i32) (param $5 i32) (param $6 f32) (param $7 i32) (param $8 i32) (param $9 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  local.get $8
  local.get $9
  call $wasm/logits-rows/logitsRowBackward<f32>
 )
 (func $wasm/kl-div/klSumF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  call $wasm/sum/klSum<f64>
 )
 (func $wasm/kl-div/klSumF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  call $wasm/sum/klSum<f32>
 )
 (func $wasm/kl-div/klSumChunksF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 i32)
  (local $7 i32)
  loop $for-loop|0
   local.get $0
   local.get $6
   i32.gt_s
   if
    local.get $5
    local.get $1
    local.get $0
    local.get $6
    i32.sub
    local.tee $7
    local.get $1
    local.get $7
    i32.lt_s
    select
    local.get $6
    i32.const 3
    i32.shl
    local.tee $7
    local.get $2
    i32.add
    local.get $3
    local.get $7
    i32.add
    local.get $4
    call $wasm/sum/klSum<f64>
    f64.store
    local.get $5
    i32.const 8
    i32.add
    local.set $5
    local.get $1
    local.get $6
    i32.add
    local.set $6
    br $for-loop|0
   end
  end
 )
 (func $wasm/kl-div/klSumChunksF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32)
  (local $6 i32)
  (local $7 i32)
  loop $for-loop|0
   local.get $0
   local.get $6
   i32.gt_s
   if
    local.get $5
    local.get $1
    local.get $0
    local.get $6
    i32.sub
    local.tee $7
    local.get $1
    local.get $7
    i32.lt_s
    select
    local.get $6
    i32.const 2
    i32.shl
    local.tee $7
    local.get $2
    i32.add
    local.get $3
    local.get $7
    i32.add
    local.get $4
    call $wasm/sum/klSum<f32>
    f64.store
    local.get $5
    i32.const 8
    i32.add
    local.set $5
    local.get $1
    local.get $6
    i32.add
    local.set $6
    br $for-loop|0
   end
  end
 )
 (func $wasm/kl-div/klPointwiseF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  call $wasm/pointwise/klPointwise<f64>
 )
 (func $wasm/kl-div/klPointwiseF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  call $wasm/pointwise/klPointwise<f32>
 )
 (func $wasm/kl-div/klBackwardF64 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 f64) (param $9 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  local.get $8
  local.get $9
  call $wasm/backward/klBackward<f64>
 )
 (func $wasm/kl-div/klBackwardF32 (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 f64) (param $9 i32) (result f64)
  local.get $0
  local.get $1
  local.get $2
  local.get $3
  local.get $4
  local.get $5
  local.get $6
  local.get $7
  local.get $8
  local.get $9
  call $wasm/backward/klBackward<f32>
 )
 (func $wasm/backward/klBackward<f64> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 f64) (param $9 i32) (result f64)
  (local $10 v128)
  (local $11 f64)
  (local $12 v128)
  (local $13 f64)
  (local $14 v128)
  (local $15 i32)
  (local $16 i32)
  (local $17 i32)
  (local $18 f64)
  (local $19 v128)
  (local $20 v128)
  (local $21 i32)
  (local $22 v128)
  (local $23 i32)
  (local $24 v128)
  (local $25 f64)
  (local $26 f64)
  (local $27 v128)
  (local $28 v128)
  (local $29 v128)
  (local $30 v128)
  (local $31 v128)
  (local $32 v128)
  (local $33 f64)
  (local $34 f64)
  local.get $8
  local.set $11
  local.get $2
  i32.eqz
  local.tee $21
  if (result f64)
   local.get $1
   f64.load
   local.get $11
   f64.div
  else
   f64.const 0
  end
  local.tee $8
  f64x2.splat
  local.set $12
  local.get $11
  f64x2.splat
  local.set $22
  local.get $0
  i32.const -2
  i32.and
  local.set $23
  loop $for-loop|0
   local.get $15
   local.get $23
   i32.lt_s
   if
    local.get $15
    i32.const 3
    i32.shl
    local.tee $16
    local.get $4
    i32.add
    v128.load
    local.set $14
    block $for-continue|0
     local.get $7
     if (result i32)
      i32.const 0
     else
      local.get $14
      i32.const 1496
      v128.load64_splat
      i64x2.lt_s
      local.get $14
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i64x2.ne
      v128.and
      v128.any_true
     end
     if
      i32.const 0
      local.set $2
      loop $for-loop|1
       local.get $2
       i32.const 2
       i32.lt_s
       if
        local.get $16
        local.get $2
        i32.const 3
        i32.shl
        i32.add
        local.tee $17
        local.get $3
        i32.add
        f64.load
        local.set $25
        local.get $5
        local.get $17
        i32.add
        local.get $21
        if (result f64)
         local.get $8
        else
         local.get $1
         local.get $17
         i32.add
         f64.load
         local.get $11
         f64.div
        end
        local.tee $13
        local.get $4
        local.get $17
        i32.add
        f64.load
        local.tee $26
        f64.mul
        f64.neg
        f64.store
        local.get $9
        if
         local.get $6
         local.get $17
         i32.add
         local.get $13
         local.get $26
         f64.const 0
         f64.eq
         if (result f64)
          f64.const 0
         else
          local.get $26
          call $~lib/math/NativeMath.log
         end
         f64.mul
         local.get $13
         local.get $26
         f64.mul
         local.get $26
         f64.div
         f64.add
         local.get $13
         local.get $25
         f64.mul
         f64.sub
         f64.store
        end
        local.get $3
        local.get $17
        i32.add
        f64.load
        local.set $13
        local.get $18
        local.get $4
        local.get $17
        i32.add
        f64.load
        local.tee $18
        f64.const 0
        f64.eq
        if (result f64)
         f64.const 0
        else
         local.get $18
         local.get $18
         call $~lib/math/NativeMath.log
         f64.mul
        end
        local.get $18
        local.get $13
        f64.mul
        f64.sub
        f64.add
        local.set $18
        local.get $2
        i32.const 1
        i32.add
        local.set $2
        br $for-loop|1
       end
      end
      br $for-continue|0
     end
     local.get $21
     if (result v128)
      local.get $12
     else
      local.get $1
      local.get $16
      i32.add
      v128.load
      local.get $22
      f64x2.div
     end
     local.set $10
     local.get $3
     local.get $16
     i32.add
     v128.load
     local.set $19
     local.get $7
     if (result v128)
      local.get $14
      i32.const 1032
      v128.load64_splat
      local.tee $24
      f64x2.pmin
      i32.const 1064
      v128.load64_splat
      f64x2.pmax
      local.tee $27
      i32.const 1080
      v128.load64_splat
      f64x2.mul
      i32.const 1096
      v128.load64_splat
      local.tee $28
      f64x2.add
      local.tee $29
      local.get $28
      f64x2.sub
      local.set $28
      local.get $27
      local.get $28
      i32.const 1112
      v128.load64_splat
      f64x2.mul
      f64x2.sub
      local.get $28
      i32.const 1128
      v128.load64_splat
      f64x2.mul
      f64x2.sub
      local.tee $28
      local.get $28
      f64x2.mul
      local.tee $30
      local.get $30
      f64x2.mul
      local.set $31
      local.get $5
      local.get $16
      i32.add
      local.get $10
      i32.const 1048
      v128.load64_splat
      block $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.5" (result v128)
       i32.const 1232
       v128.load64_splat
       local.get $28
       f64x2.add
       local.get $30
       i32.const 1240
       v128.load64_splat
       i32.const 1248
       v128.load64_splat
       local.get $28
       f64x2.mul
       f64x2.add
       f64x2.mul
       f64x2.add
       local.get $31
       i32.const 1256
       v128.load64_splat
       i32.const 1264
       v128.load64_splat
       local.get $28
       f64x2.mul
       f64x2.add
       local.get $30
       i32.const 1272
       v128.load64_splat
       i32.const 1280
       v128.load64_splat
       local.get $28
       f64x2.mul
       f64x2.add
       f64x2.mul
       f64x2.add
       f64x2.mul
       f64x2.add
       local.get $31
       local.get $31
       f64x2.mul
       i32.const 1288
       v128.load64_splat
       i32.const 1296
       v128.load64_splat
       local.get $28
       f64x2.mul
       f64x2.add
       local.get $30
       i32.const 1304
       v128.load64_splat
       i32.const 1312
       v128.load64_splat
       local.get $28
       f64x2.mul
       f64x2.add
       f64x2.mul
       f64x2.add
       local.get $31
       i32.const 1320
       v128.load64_splat
       f64x2.mul
       f64x2.add
       f64x2.mul
       f64x2.add
       local.tee $28
       local.get $29
       i32.const 1144
       v128.load64_splat
       v128.and
       i32.const 1160
       v128.load64_splat
       i64x2.sub
       local.tee $29
       i32.const 1176
       v128.load64_splat
       local.tee $30
       i64x2.add
       i32.const 52
       i64x2.shl
       f64x2.mul
       local.get $27
       i32.const 1192
       v128.load64_splat
       f64x2.lt
       v128.any_true
       i32.eqz
       br_if $"wasm/exp/Exp.notAboveIn<f64,i64>|inlined.5"
       drop
       local.get $28
       local.get $29
       i32.const 1
       i64x2.shr_s
       local.tee $27
       local.get $30
       i64x2.add
       i32.const 52
       i64x2.shl
       f64x2.mul
       local.get $29
       local.get $27
       i64x2.sub
       local.get $30
       i64x2.add
       i32.const 52
       i64x2.shl
       f64x2.mul
      end
      local.get $14
      local.get $24
      f64x2.gt
      v128.bitselect
      local.tee $24
      f64x2.mul
      local.tee $27
      f64x2.neg
      v128.store
      local.get $9
      if
       local.get $6
       local.get $16
       i32.add
       local.get $10
       local.get $14
       local.get $19
       f64x2.sub
       f64x2.mul
       local.get $24
       f64x2.mul
       local.get $27
       f64x2.add
       v128.store
      end
      local.get $20
      local.get $24
      local.get $14
      local.get $19
      f64x2.sub
      f64x2.mul
      f64x2.add
     else
      local.get $5
      local.get $16
      i32.add
      local.get $10
      local.get $14
      f64x2.mul
      local.tee $27
      f64x2.neg
      v128.store
      local.get $14
      i32.const 1384
      v128.load64_splat
      i64x2.sub
      i32.const 52
      i64x2.shr_s
      local.tee $24
      local.get $24
      i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11
      f64x2.convert_low_i32x4_s
      local.set $28
      local.get $14
      local.get $24
      i32.const 52
      i64x2.shl
      i64x2.sub
      i32.const 1392
      v128.load64_splat
      f64x2.sub
      local.tee $29
      i32.const 1400
      v128.load64_splat
      local.get $29
      f64x2.add
      f64x2.div
      local.tee $30
      local.get $30
      f64x2.mul
      local.tee $31
      local.get $31
      f64x2.mul
      local.set $24
      local.get $28
      i32.const 1480
      v128.load64_splat
      f64x2.mul
      i32.const 1464
      v128.load64_splat
      local.get $29
      f64x2.mul
      local.get $29
      f64x2.mul
      local.tee $32
      local.get $30
      local.get $32
      local.get $31
      local.get $24
      local.get $24
      local.get $24
      i32.const 1432
      v128.load64_splat
      f64x2.mul
      i32.const 1440
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1448
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1456
      v128.load64_splat
      f64x2.add
      f64x2.mul
      local.get $24
      local.get $24
      local.get $24
      i32.const 1408
      v128.load64_splat
      f64x2.mul
      i32.const 1416
      v128.load64_splat
      f64x2.add
      f64x2.mul
      i32.const 1424
      v128.load64_splat
      f64x2.add
      f64x2.mul
      f64x2.add
      f64x2.add
      f64x2.mul
      local.get $28
      i32.const 1472
      v128.load64_splat
      f64x2.mul
      f64x2.add
      f64x2.sub
      local.get $29
      f64x2.sub
      f64x2.sub
      local.set $24
      local.get $9
      if
       local.get $6
       local.get $16
       i32.add
       local.get $10
       local.get $24
       f64x2.mul
       local.get $27
       local.get $14
       f64x2.div
       f64x2.add
       local.get $10
       local.get $19
       f64x2.mul
       f64x2.sub
       v128.store
      end
      local.get $20
      local.get $14
      local.get $24
      f64x2.mul
      local.get $14
      local.get $19
      f64x2.mul
      f64x2.sub
      f64x2.add
     end
     local.set $20
    end
    local.get $15
    i32.const 2
    i32.add
    local.set $15
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $15
   i32.gt_s
   if
    local.get $15
    i32.const 3
    i32.shl
    local.set $2
    local.get $21
    if (result f64)
     local.get $8
    else
     local.get $1
     local.get $2
     i32.add
     f64.load
     local.get $11
     f64.div
    end
    local.set $13
    local.get $2
    local.get $3
    i32.add
    f64.load
    local.set $25
    local.get $2
    local.get $4
    i32.add
    f64.load
    local.set $26
    local.get $7
    if
     local.get $2
     local.get $5
     i32.add
     local.get $13
     local.get $26
     call $~lib/math/NativeMath.exp
     local.tee $33
     f64.mul
     local.tee $34
     f64.neg
     f64.store
     local.get $9
     if
      local.get $2
      local.get $6
      i32.add
      local.get $13
      local.get $26
      local.get $25
      f64.sub
      f64.mul
      local.get $33
      f64.mul
      local.get $34
      f64.add
      f64.store
     end
    else
     local.get $2
     local.get $5
     i32.add
     local.get $13
     local.get $26
     f64.mul
     f64.neg
     f64.store
     local.get $9
     if
      local.get $2
      local.get $6
      i32.add
      local.get $13
      local.get $26
      f64.const 0
      f64.eq
      if (result f64)
       f64.const 0
      else
       local.get $26
       call $~lib/math/NativeMath.log
      end
      f64.mul
      local.get $13
      local.get $26
      f64.mul
      local.get $26
      f64.div
      f64.add
      local.get $13
      local.get $25
      f64.mul
      f64.sub
      f64.store
     end
    end
    local.get $2
    local.get $3
    i32.add
    f64.load
    local.set $13
    local.get $2
    local.get $4
    i32.add
    f64.load
    local.set $25
    local.get $18
    block $wasm/loss/Loss.scalar|inlined.11 (result f64)
     local.get $7
     if
      local.get $25
      call $~lib/math/NativeMath.exp
      local.get $25
      local.get $13
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.11
     end
     local.get $25
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $25
      local.get $25
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $25
     local.get $13
     f64.mul
     f64.sub
    end
    f64.add
    local.set $18
    local.get $15
    i32.const 1
    i32.add
    local.set $15
    br $for-loop|2
   end
  end
  local.get $20
  f64x2.extract_lane 0
  local.get $20
  f64x2.extract_lane 1
  f64.add
  local.get $18
  f64.add
 )
 (func $wasm/backward/klBackward<f32> (param $0 i32) (param $1 i32) (param $2 i32) (param $3 i32) (param $4 i32) (param $5 i32) (param $6 i32) (param $7 i32) (param $8 f64) (param $9 i32) (result f64)
  (local $10 f64)
  (local $11 v128)
  (local $12 v128)
  (local $13 f64)
  (local $14 f64)
  (local $15 f64)
  (local $16 v128)
  (local $17 v128)
  (local $18 v128)
  (local $19 v128)
  (local $20 v128)
  (local $21 f64)
  (local $22 f64)
  (local $23 i32)
  (local $24 i32)
  (local $25 v128)
  (local $26 i32)
  (local $27 v128)
  (local $28 v128)
  (local $29 f64)
  (local $30 i32)
  (local $31 i32)
  (local $32 v128)
  local.get $8
  local.set $13
  local.get $2
  i32.eqz
  local.tee $26
  if (result f64)
   local.get $1
   f32.load
   f64.promote_f32
   local.get $13
   f64.div
  else
   f64.const 0
  end
  local.tee $8
  f32.demote_f64
  f32x4.splat
  local.set $12
  local.get $13
  f32.demote_f64
  f32x4.splat
  local.set $25
  local.get $0
  i32.const -4
  i32.and
  local.set $24
  loop $for-loop|0
   local.get $24
   local.get $31
   i32.gt_s
   if
    local.get $31
    i32.const 2
    i32.shl
    local.tee $23
    local.get $4
    i32.add
    v128.load
    local.set $32
    block $for-continue|0
     local.get $7
     if (result i32)
      i32.const 0
     else
      local.get $32
      i32.const 1488
      v128.load32_splat
      i32x4.lt_s
      local.get $32
      v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000
      i32x4.ne
      v128.and
      v128.any_true
     end
     if
      i32.const 0
      local.set $30
      loop $for-loop|1
       local.get $30
       i32.const 4
       i32.lt_s
       if
        local.get $23
        local.get $30
        i32.const 2
        i32.shl
        i32.add
        local.tee $2
        local.get $3
        i32.add
        f32.load
        f64.promote_f32
        local.set $15
        local.get $2
        local.get $5
        i32.add
        local.get $26
        if (result f64)
         local.get $8
        else
         local.get $1
         local.get $2
         i32.add
         f32.load
         f64.promote_f32
         local.get $13
         f64.div
        end
        local.tee $10
        local.get $2
        local.get $4
        i32.add
        f32.load
        f64.promote_f32
        local.tee $14
        f64.mul
        f64.neg
        f32.demote_f64
        f32.store
        local.get $9
        if
         local.get $2
         local.get $6
         i32.add
         local.get $10
         local.get $14
         f64.const 0
         f64.eq
         if (result f64)
          f64.const 0
         else
          local.get $14
          call $~lib/math/NativeMath.log
         end
         f64.mul
         local.get $10
         local.get $14
         f64.mul
         local.get $14
         f64.div
         f64.add
         local.get $10
         local.get $15
         f64.mul
         f64.sub
         f32.demote_f64
         f32.store
        end
        local.get $2
        local.get $3
        i32.add
        f32.load
        f64.promote_f32
        local.set $14
        local.get $29
        local.get $2
        local.get $4
        i32.add
        f32.load
        f64.promote_f32
        local.tee $10
        f64.const 0
        f64.eq
        if (result f64)
         f64.const 0
        else
         local.get $10
         local.get $10
         call $~lib/math/NativeMath.log
         f64.mul
        end
        local.get $10
        local.get $14
        f64.mul
        f64.sub
        f64.add
        local.set $29
        local.get $30
        i32.const 1
        i32.add
        local.set $30
        br $for-loop|1
       end
      end
      br $for-continue|0
     end
     local.get $26
     if (result v128)
      local.get $12
     else
      local.get $1
      local.get $23
      i32.add
      v128.load
      local.get $25
      f32x4.div
     end
     local.set $11
     local.get $3
     local.get $23
     i32.add
     v128.load
     local.set $28
     local.get $7
     if (result v128)
      local.get $32
      i32.const 1024
      v128.load32_splat
      local.tee $20
      f32x4.pmin
      i32.const 1056
      v128.load32_splat
      f32x4.pmax
      local.tee $19
      i32.const 1072
      v128.load32_splat
      f32x4.mul
      i32.const 1088
      v128.load32_splat
      local.tee $16
      f32x4.add
      local.tee $18
      local.get $16
      f32x4.sub
      local.set $16
      local.get $19
      local.get $16
      i32.const 1104
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      local.get $16
      i32.const 1120
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      local.tee $17
      local.get $17
      f32x4.mul
      local.set $16
      local.get $5
      local.get $23
      i32.add
      local.get $11
      i32.const 1040
      v128.load32_splat
      block $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.5" (result v128)
       i32.const 1200
       v128.load32_splat
       local.get $17
       f32x4.mul
       i32.const 1204
       v128.load32_splat
       f32x4.add
       local.get $16
       i32.const 1208
       v128.load32_splat
       local.get $17
       f32x4.mul
       i32.const 1212
       v128.load32_splat
       f32x4.add
       local.get $16
       i32.const 1216
       v128.load32_splat
       local.get $17
       f32x4.mul
       i32.const 1220
       v128.load32_splat
       f32x4.add
       f32x4.mul
       f32x4.add
       f32x4.mul
       f32x4.add
       local.get $16
       f32x4.mul
       local.get $17
       f32x4.add
       i32.const 1224
       v128.load32_splat
       f32x4.add
       local.tee $16
       local.get $18
       i32.const 1136
       v128.load32_splat
       v128.and
       i32.const 1152
       v128.load32_splat
       i32x4.sub
       local.tee $18
       i32.const 1168
       v128.load32_splat
       local.tee $17
       i32x4.add
       i32.const 23
       i32x4.shl
       f32x4.mul
       local.get $19
       i32.const 1184
       v128.load32_splat
       f32x4.lt
       v128.any_true
       i32.eqz
       br_if $"wasm/exp/Exp.notAboveIn<f32,i32>|inlined.5"
       drop
       local.get $16
       local.get $18
       i32.const 1
       i32x4.shr_s
       local.tee $16
       local.get $17
       i32x4.add
       i32.const 23
       i32x4.shl
       f32x4.mul
       local.get $18
       local.get $16
       i32x4.sub
       local.get $17
       i32x4.add
       i32.const 23
       i32x4.shl
       f32x4.mul
      end
      local.get $32
      local.get $20
      f32x4.gt
      v128.bitselect
      local.tee $17
      f32x4.mul
      local.tee $16
      f32x4.neg
      v128.store
      local.get $9
      if
       local.get $6
       local.get $23
       i32.add
       local.get $11
       local.get $32
       local.get $28
       f32x4.sub
       f32x4.mul
       local.get $17
       f32x4.mul
       local.get $16
       f32x4.add
       v128.store
      end
      local.get $27
      local.get $17
      local.get $32
      local.get $28
      f32x4.sub
      f32x4.mul
      local.tee $11
      f64x2.promote_low_f32x4
      local.get $11
      local.get $11
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
      f64x2.promote_low_f32x4
      f64x2.add
      f64x2.add
     else
      local.get $5
      local.get $23
      i32.add
      local.get $11
      local.get $32
      f32x4.mul
      local.tee $20
      f32x4.neg
      v128.store
      local.get $32
      local.get $32
      i32.const 1328
      v128.load32_splat
      i32x4.sub
      i32.const 23
      i32x4.shr_s
      local.tee $19
      i32.const 23
      i32x4.shl
      i32x4.sub
      i32.const 1332
      v128.load32_splat
      f32x4.sub
      local.tee $18
      local.get $18
      f32x4.mul
      local.tee $17
      local.get $17
      f32x4.mul
      local.set $16
      local.get $18
      local.get $18
      local.get $17
      f32x4.mul
      i32.const 1336
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1340
      v128.load32_splat
      f32x4.add
      local.get $17
      i32.const 1344
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1348
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $16
      i32.const 1352
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1356
      v128.load32_splat
      f32x4.add
      local.get $17
      i32.const 1360
      v128.load32_splat
      local.get $18
      f32x4.mul
      i32.const 1364
      v128.load32_splat
      f32x4.add
      f32x4.mul
      f32x4.add
      f32x4.mul
      f32x4.add
      local.get $16
      local.get $16
      f32x4.mul
      i32.const 1368
      v128.load32_splat
      f32x4.mul
      f32x4.add
      f32x4.mul
      local.get $17
      i32.const 1372
      v128.load32_splat
      f32x4.mul
      f32x4.sub
      f32x4.add
      local.get $19
      f32x4.convert_i32x4_s
      i32.const 1376
      v128.load32_splat
      f32x4.mul
      f32x4.add
      local.set $16
      local.get $9
      if
       local.get $6
       local.get $23
       i32.add
       local.get $11
       local.get $16
       f32x4.mul
       local.get $20
       local.get $32
       f32x4.div
       f32x4.add
       local.get $11
       local.get $28
       f32x4.mul
       f32x4.sub
       v128.store
      end
      local.get $27
      local.get $32
      local.get $16
      f32x4.mul
      local.get $32
      local.get $28
      f32x4.mul
      f32x4.sub
      local.tee $11
      f64x2.promote_low_f32x4
      local.get $11
      local.get $11
      i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7
      f64x2.promote_low_f32x4
      f64x2.add
      f64x2.add
     end
     local.set $27
    end
    local.get $31
    i32.const 4
    i32.add
    local.set $31
    br $for-loop|0
   end
  end
  loop $for-loop|2
   local.get $0
   local.get $31
   i32.gt_s
   if
    local.get $31
    i32.const 2
    i32.shl
    local.set $2
    local.get $26
    if (result f64)
     local.get $8
    else
     local.get $1
     local.get $2
     i32.add
     f32.load
     f64.promote_f32
     local.get $13
     f64.div
    end
    local.set $10
    local.get $2
    local.get $3
    i32.add
    f32.load
    f64.promote_f32
    local.set $22
    local.get $2
    local.get $4
    i32.add
    f32.load
    f64.promote_f32
    local.set $21
    local.get $7
    if
     local.get $2
     local.get $5
     i32.add
     local.get $10
     local.get $21
     call $~lib/math/NativeMath.exp
     local.tee $15
     f64.mul
     local.tee $14
     f64.neg
     f32.demote_f64
     f32.store
     local.get $9
     if
      local.get $2
      local.get $6
      i32.add
      local.get $10
      local.get $21
      local.get $22
      f64.sub
      f64.mul
      local.get $15
      f64.mul
      local.get $14
      f64.add
      f32.demote_f64
      f32.store
     end
    else
     local.get $2
     local.get $5
     i32.add
     local.get $10
     local.get $21
     f64.mul
     f64.neg
     f32.demote_f64
     f32.store
     local.get $9
     if
      local.get $2
      local.get $6
      i32.add
      local.get $10
      local.get $21
      f64.const 0
      f64.eq
      if (result f64)
       f64.const 0
      else
       local.get $21
       call $~lib/math/NativeMath.log
      end
      f64.mul
      local.get $10
      local.get $21
      f64.mul
      local.get $21
      f64.div
      f64.add
      local.get $10
      local.get $22
      f64.mul
      f64.sub
      f32.demote_f64
      f32.store
     end
    end
    local.get $2
    local.get $3
    i32.add
    f32.load
    f64.promote_f32
    local.set $14
    local.get $2
    local.get $4
    i32.add
    f32.load
    f64.promote_f32
    local.set $10
    local.get $29
    block $wasm/loss/Loss.scalar|inlined.9 (result f64)
     local.get $7
     if
      local.get $10
      call $~lib/math/NativeMath.exp
      local.get $10
      local.get $14
      f64.sub
      f64.mul
      br $wasm/loss/Loss.scalar|inlined.9
     end
     local.get $10
     f64.const 0
     f64.eq
     if (result f64)
      f64.const 0
     else
      local.get $10
      local.get $10
      call $~lib/math/NativeMath.log
      f64.mul
     end
     local.get $10
     local.get $14
     f64.mul
     f64.sub
    end
    f64.add
    local.set $29
    local.get $31
    i32.const 1
    i32.add
    local.set $31
    br $for-loop|2
   end
  end
  local.get $27
  f64x2.extract_lane 0
  local.get $27
  f64x2.extract_lane 1
  f64.add
  local.get $29
  f64.add
 )
)
